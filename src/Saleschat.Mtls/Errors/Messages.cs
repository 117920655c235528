using System;
using System.Globalization;

namespace Saleschat.Mtls.Errors
{
    /// <summary>
    /// The one place for the words the module says about refused or expired credentials and about where a
    /// certificate is uploaded. The sender (TLS refusals), the API errors (HTTP refusals), Test-SaleschatMtls and
    /// rotation all take their text from here, so a refusal reads the same whichever path met it.
    /// </summary>
    public static class Messages
    {
        /// <summary>Where a certificate is registered in Saleschat's web app.</summary>
        public const string MtlsSettings = "Settings > mTLS";

        /// <summary>The button that registers a certificate.</summary>
        public const string UploadPlace = MtlsSettings + " > Upload Certificate";

        /// <summary>The server refused the client certificate; <paramref name="evidence"/> says how ("TLS alert unknown ca", "HTTP 403").</summary>
        /// <param name="target">"GET https://…" for a call, or null for Test-SaleschatMtls (which names the host).</param>
        public static string CertificateRefused(string target, string evidence, string host) =>
            Start(target, "the server refused the client certificate")
            + $" ({evidence}). Upload it in Saleschat ({UploadPlace}) for this environment ({host}), then try again; UAT and Production keep separate lists."
            + Http.Transport.TlsPlatform.ClientCertificateAdvice(null);

        /// <summary>The server refused the client certificate, which has expired (or which the server says has).</summary>
        public static string CertificateExpired(string target, DateTime notAfter, string evidence) =>
            notAfter.ToUniversalTime() < DateTime.UtcNow
                ? Start(target, "the server refused the client certificate") + $", which expired on {notAfter.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)} ({evidence}). Make a new one, upload it, and rotate to it (Start-SaleschatCertificateRotation)."
                : Start(target, "the server refused the client certificate as expired") + $" ({evidence}). Check this machine's clock and the certificate's dates, or make a new one and rotate to it (Start-SaleschatCertificateRotation).";

        /// <summary>The certificate got through (the handshake completed) but the API key did not.</summary>
        public static string ApiKeyRejected(string target, int status, bool hasApiKey) =>
            hasApiKey
                ? Start(target, "the server accepted the client certificate but rejected the API key") + $" (HTTP {status}). Check -ApiKey (or SALESCHAT_API_KEY) for this environment and org, then try again."
                : Start(target, "the server accepted the client certificate but wants an API key") + $" (HTTP {status}). Give the session one with -ApiKey (or SALESCHAT_API_KEY), then try again.";

        /// <summary>The certificate and key were accepted, the org in the path was not.</summary>
        public static string WrongOrganization(string path, long? code, string codeName) =>
            $"The server accepted the certificate but refused the org in {path} ({code} {codeName}). Check -OrgId: the certificate must be uploaded in that org's {MtlsSettings}.";

        /// <summary>A connection closed without an answer: a plain drop, or an edge refusing the certificate.</summary>
        public static string ConnectionClosed(string target) =>
            $"{target}: the server closed the connection without a complete answer. If this happens on every call, the server is refusing the client certificate: upload it in Saleschat ({MtlsSettings}) for this environment.";

        /// <summary>The server's certificate is valid, but for another name than the session's host.</summary>
        public static string ServerNameMismatch(string target, string host) =>
            Start(target, "the server's certificate is not for the name") + $" {host}. Check -BaseUri: use the host name the server's certificate was issued for.";

        /// <summary>What to do with a freshly written certificate.</summary>
        public static string UploadCertificate(string file) =>
            $"Upload {file} in Saleschat: {UploadPlace}";

        /// <summary>Proving the next certificate failed before anything moved.</summary>
        public static string NextCertificateNotAccepted(string thumbprint, string verdict, string detail, string nextPath) =>
            $"Saleschat did not accept the next certificate {thumbprint} ({verdict}: {detail}). Upload '{nextPath}' in {MtlsSettings} first; nothing was moved.";

        /// <summary>A rotation's old certificate, kept after the switch.</summary>
        public static string RemoveOldCertificate(string thumbprint, string file) =>
            $"The old certificate {thumbprint} is kept as {file}; remove it from {MtlsSettings} once nothing uses it.";

        /// <summary>A rotation of the pair was interrupted (its journal exists): how to finish it.</summary>
        public static string RotationInterrupted(string certificatePath, string keyPath) =>
            $"A certificate rotation of this pair was interrupted: finish it with Complete-SaleschatCertificateRotation -CertificatePath '{certificatePath}' -KeyPath '{keyPath}' (it needs no session).";

        private static string Start(string target, string what) =>
            target == null ? char.ToUpperInvariant(what[0]) + what.Substring(1) : $"{target}: {what}";
    }
}
