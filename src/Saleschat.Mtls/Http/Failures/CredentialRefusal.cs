using System;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Response;

namespace Saleschat.Mtls.Http.Failures
{
    /// <summary>
    /// The one failure namer for refused credentials: a TLS refusal (an alert, or TLS 1.3's late close) and an
    /// HTTP refusal (nginx's certificate pages, 495/496, 403, 401) become the same verdicts Test-SaleschatMtls
    /// reports, with the evidence ("TLS alert unknown ca", "HTTP 400 'The SSL certificate error'") and the one
    /// message for each from <see cref="Messages"/>. The sender, <see cref="ApiError"/> and the probe all ask here.
    /// </summary>
    public sealed class CredentialRefusal
    {
        private CredentialRefusal(MtlsDiagnosis verdict, string evidence, int statusCode)
        {
            Verdict = verdict;
            Evidence = evidence;
            StatusCode = statusCode;
        }

        /// <summary>ClientCertificateRefused, ClientCertificateExpired, ApiKeyRejected or WrongOrganization.</summary>
        public MtlsDiagnosis Verdict { get; }

        /// <summary>What the server did, in a few words for a message.</summary>
        public string Evidence { get; }

        /// <summary>The HTTP status of the refusal, or 0 for a TLS refusal.</summary>
        public int StatusCode { get; }

        /// <summary>The stable error id of the verdict for a failed call, or null when it is an ordinary API error.</summary>
        public string ErrorId =>
            Verdict == MtlsDiagnosis.ClientCertificateExpired ? ErrorIds.CertificateExpired
            : Verdict == MtlsDiagnosis.ClientCertificateRefused ? ErrorIds.ServerRefusedClientCertificate
            : Verdict == MtlsDiagnosis.ApiKeyRejected ? ErrorIds.ApiKeyRejected
            : null;

        /// <summary>The refusal an HTTP answer carries, or null when it is none.</summary>
        /// <param name="response">The answer.</param>
        /// <param name="saleschatCode">Saleschat's 7-digit code in the body, if any.</param>
        /// <param name="certificateNotAfter">The client certificate's expiry: a refusal after it is "expired".</param>
        public static CredentialRefusal OfAnswer(ApiResponse response, long? saleschatCode, DateTime certificateNotAfter)
        {
            string status = $"HTTP {response.StatusCode}";
            switch (ResponseRefusal.Of(response, saleschatCode))
            {
                case RefusalKind.ClientCertificate:
                    string page = ResponseRefusal.NginxPageTitle(response.Body);
                    return Certificate(page != null ? $"{status} '{page}'" : status, ExpiredNow(certificateNotAfter), response.StatusCode);
                case RefusalKind.ApiKey:
                    return new CredentialRefusal(MtlsDiagnosis.ApiKeyRejected, status, response.StatusCode);
                case RefusalKind.Organization:
                    return new CredentialRefusal(MtlsDiagnosis.WrongOrganization, status, response.StatusCode);
                default:
                    return null;
            }
        }

        /// <summary>The refusal a failed connection carries, or null when it is none.</summary>
        /// <param name="exception">The transport's exception chain.</param>
        /// <param name="failure">What <see cref="FailureClassifier"/> named it.</param>
        /// <param name="certificateNotAfter">The client certificate's expiry.</param>
        /// <param name="closedIsRefusal">
        /// Whether a connection closed right after the handshake counts as a refusal: true for the probe's one
        /// hello (where nothing else closes it), false for a call, where it may be a plain drop and is retried.
        /// </param>
        public static CredentialRefusal OfFailure(Exception exception, FailureKind failure, DateTime certificateNotAfter, bool closedIsRefusal)
        {
            if (failure != FailureKind.ClientCertificateRefused && !(closedIsRefusal && failure == FailureKind.ConnectionClosed))
            {
                return null;
            }

            string alert = FailureClassifier.AlertName(exception);
            string evidence = alert != null ? "TLS alert " + alert.Replace('_', ' ') // "unknown ca", as OpenSSL and people write it
                : failure == FailureKind.ConnectionClosed ? "connection closed after the handshake"
                : "TLS refusal";
            return Certificate(evidence, ExpiredNow(certificateNotAfter) || alert == "certificate_expired", 0);
        }

        /// <summary>The one message for this refusal.</summary>
        /// <param name="target">"GET https://…" for a call, or null for Test-SaleschatMtls.</param>
        public string Message(string target, Uri uri, DateTime certificateNotAfter, bool hasApiKey, long? saleschatCode = null, string saleschatName = null)
        {
            switch (Verdict)
            {
                case MtlsDiagnosis.ClientCertificateExpired:
                    return Messages.CertificateExpired(target, certificateNotAfter, Evidence);
                case MtlsDiagnosis.ApiKeyRejected:
                    return Messages.ApiKeyRejected(target, StatusCode, hasApiKey);
                case MtlsDiagnosis.WrongOrganization:
                    return Messages.WrongOrganization(uri.AbsolutePath, saleschatCode, saleschatName);
                default:
                    return Messages.CertificateRefused(target, Evidence, uri.Host);
            }
        }

        private static CredentialRefusal Certificate(string evidence, bool expired, int status) =>
            new CredentialRefusal(expired ? MtlsDiagnosis.ClientCertificateExpired : MtlsDiagnosis.ClientCertificateRefused, evidence, status);

        private static bool ExpiredNow(DateTime notAfter) => notAfter.ToUniversalTime() < DateTime.UtcNow;
    }
}
