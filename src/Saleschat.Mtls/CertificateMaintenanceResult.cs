using System;
using System.Globalization;
using System.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Saleschat.Mtls.Rotation;

namespace Saleschat.Mtls
{
    /// <summary>
    /// The one status object a scheduled maintenance run returns: its state, the days left on the certificate in use,
    /// the thumbprints, the file to upload and what a person should do next. Holds only public material.
    /// </summary>
    public sealed class CertificateMaintenanceResult
    {
        /// <summary>What the run found and did.</summary>
        [JsonConverter(typeof(StringEnumConverter))]
        public CertificateMaintenanceState State { get; internal set; }

        /// <summary>True when another run held the pair's lock: this run changed nothing and only looked.</summary>
        public bool Locked { get; internal set; }

        /// <summary>Whole days left on the certificate in use at CertificatePath (negative once expired).</summary>
        public int DaysUntilExpiry { get; internal set; }

        /// <summary>When the certificate in use expires (UTC).</summary>
        public DateTime NotAfter { get; internal set; }

        /// <summary>The certificate in use (after a promotion: the new one).</summary>
        public string Thumbprint { get; internal set; }

        /// <summary>The next certificate (waiting for its upload, or just promoted); null when there is none.</summary>
        public string NextThumbprint { get; internal set; }

        /// <summary>The certificate just replaced by a promotion (kept as the .previous pair), else null.</summary>
        public string PreviousThumbprint { get; internal set; }

        /// <summary>The file to upload in Saleschat (Settings > mTLS > Upload Certificate), when one is waiting.</summary>
        public string UploadFile { get; internal set; }

        /// <summary>The public PEM of <see cref="UploadFile"/>, to paste instead of uploading the file.</summary>
        public string Pem { get; internal set; }

        /// <summary>
        /// The next key's certificate signing request (client.next.csr) while the next certificate is to come from your
        /// CA (the pair in use is CA-issued); then <see cref="Pem"/> is the request's PEM. Null otherwise.
        /// </summary>
        public string RequestFile { get; internal set; }

        /// <summary>Where the run looks for the CA's reply to <see cref="RequestFile"/> (client.next.issued.pem unless -IssuedCertificatePath); null for a self-signed pair.</summary>
        public string IssuedCertificatePath { get; internal set; }

        /// <summary>Why the next certificate was not accepted (the hello call's diagnosis), when it was tried.</summary>
        public string ProofDiagnosis { get; internal set; }

        public string CertificatePath { get; internal set; }

        public string KeyPath { get; internal set; }

        /// <summary>What a person (or the scheduler) should do now, in one line.</summary>
        public string NextStep { get; internal set; }

        /// <summary>When the run looked (UTC).</summary>
        public DateTime CheckedAt { get; internal set; }

        /// <summary>
        /// The command that runs the next step by hand: the same maintenance run with the same files or, while a CSR
        /// waits for the CA, Complete-SaleschatCertificateRotation with the reply's path.
        /// </summary>
        public string NextCommand => RequestFile != null
            ? $"Complete-SaleschatCertificateRotation -CertificatePath '{Quote(CertificatePath)}' -KeyPath '{Quote(KeyPath)}' -IssuedCertificatePath '{Quote(IssuedCertificatePath)}'"
            : $"Invoke-SaleschatCertificateMaintenance -CertificatePath '{Quote(CertificatePath)}' -KeyPath '{Quote(KeyPath)}'";

        /// <summary>Whether a person must act: an upload to make, or an expired certificate.</summary>
        public bool NeedsPerson =>
            State == CertificateMaintenanceState.ActionRequired || State == CertificateMaintenanceState.WaitingForUpload || State == CertificateMaintenanceState.Expired;

        /// <summary>One JSON line (no line breaks: the PEM's are escaped), for -AsJson and log collectors.</summary>
        public string ToJson()
        {
            var settings = new JsonSerializerSettings
            {
                Formatting = Formatting.None,
                DateFormatString = "yyyy-MM-dd'T'HH:mm:ss'Z'",
                DateTimeZoneHandling = DateTimeZoneHandling.Utc,
                Culture = CultureInfo.InvariantCulture,
            };
            return JsonConvert.SerializeObject(this, settings);
        }

        /// <summary>
        /// The lines a person copies from a log: what to do, the PEM exactly as written in the file (64-column lines,
        /// so an 80-column log never wraps them), and the command to run afterwards. Empty when nobody needs to act.
        /// </summary>
        public string[] PersonLines()
        {
            if (!NeedsPerson && !Locked)
            {
                return new string[0];
            }

            var lines = new System.Collections.Generic.List<string> { $"{State}: {NextStep}" };
            if (!Locked && Pem != null && RequestFile != null)
            {
                lines.Add($"Send {RequestFile} or this certificate signing request to your CA:");
                lines.AddRange(Pem.Replace("\r", string.Empty).TrimEnd('\n').Split('\n'));
                lines.Add($"Save its reply as {IssuedCertificatePath} and upload it in Saleschat ({Errors.Messages.UploadPlace}): the next scheduled run proves and promotes it. Or run:");
                lines.Add(NextCommand);
            }
            else if (!Locked && Pem != null)
            {
                lines.Add($"Upload {UploadFile} or paste this PEM in Saleschat ({Errors.Messages.UploadPlace}):");
                lines.AddRange(Pem.Replace("\r", string.Empty).TrimEnd('\n').Split('\n'));
                lines.Add("Then run (or wait for the next scheduled run):");
                lines.Add(NextCommand);
            }

            return lines.ToArray();
        }

        public override string ToString() => $"{State}: {NextStep}";

        private static string Quote(string path) => (path ?? string.Empty).Replace("'", "''");

        internal static CertificateMaintenanceResult For(RotationPaths paths, System.Security.Cryptography.X509Certificates.X509Certificate2 current, DateTime now)
        {
            return new CertificateMaintenanceResult
            {
                CertificatePath = paths.CertificatePath,
                KeyPath = paths.KeyPath,
                Thumbprint = current.Thumbprint,
                NotAfter = current.NotAfter.ToUniversalTime(),
                DaysUntilExpiry = Certificates.CertificateExpiry.DaysUntilExpiry(current, now),
                CheckedAt = now,
            };
        }

        internal CertificateMaintenanceResult Waiting(RotationPaths paths, string pem, string nextThumbprint)
        {
            UploadFile = paths.NextCertificatePath;
            Pem = pem;
            NextThumbprint = nextThumbprint;
            return this;
        }

        /// <summary>A CSR waits for the CA: the request to send and where its reply goes.</summary>
        internal CertificateMaintenanceResult Requested(RotationPaths paths, string requestPem, string issuedPath)
        {
            RequestFile = paths.NextRequestPath;
            IssuedCertificatePath = issuedPath;
            Pem = requestPem;
            return this;
        }

        internal static string FileName(string path) => Path.GetFileName(path);
    }
}
