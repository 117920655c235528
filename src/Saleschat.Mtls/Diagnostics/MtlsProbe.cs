using System.Diagnostics;
using System.Threading.Tasks;
using System.Threading;
using System;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http.Request;
using Saleschat.Mtls.Http.Response;
using Saleschat.Mtls.Http;

namespace Saleschat.Mtls.Diagnostics
{
    /// <summary>
    /// Saleschat's documented test: GET /v4/orgs/{orgId}/mtls/hello with the client certificate answers
    /// 200 text/plain "Hello, world!". Never throws for a failed check: every failure becomes a diagnosis
    /// whose message is one line a person can act on; the platform's own exception text goes to the log
    /// (-Verbose) and stays in the inner exception, never in the message.
    /// </summary>
    public static class MtlsProbe
    {
        public const string HelloPath = "/v4/orgs/{orgId}/mtls/hello";
        public const string ExpectedBody = "Hello, world!";

        public static async Task<MtlsTestResult> RunAsync(SaleschatSession session, Action<string> log, CancellationToken cancellationToken)
        {
            if (!session.IsOpen)
            {
                throw session.ClosedError(); // before its certificate is touched: a closed session disposed what it loaded
            }

            var certificate = session.Certificate;
            var result = new MtlsTestResult
            {
                Thumbprint = certificate.Thumbprint,
                DaysUntilExpiry = CertificateExpiry.DaysUntilExpiry(certificate),
            };

            // Read now: a session that follows its files may switch to a promoted pair during the call (at once after a
            // refusal), and then releases this certificate, whose properties would throw afterwards.
            DateTime notAfter = certificate.NotAfter;

            if (!certificate.HasPrivateKey)
            {
                return Diagnose(result, MtlsDiagnosis.NoPrivateKey,
                    "The certificate has no private key, so it cannot authenticate. Load it with its key file.");
            }

            // Outside the try: a path that cannot be built (no org id) is the caller's mistake, not a diagnosis.
            result.Uri = ApiPath.Resolve(session.BaseUri, HelloPath, session.OrgId, null);
            var stopwatch = Stopwatch.StartNew();
            try
            {
                var request = new ApiRequest
                {
                    Method = "GET",
                    Uri = result.Uri,
                    Timeout = TimeSpan.FromSeconds(session.TimeoutSec),
                    // One retry at most: a recognised refusal is never retried (RetryPolicy), but a close right after
                    // the handshake over HTTP/1.1 looks exactly like a dropped connection, and a person waiting for
                    // the diagnosis should not sit through backoff.
                    Retry = session.RetryPolicy(Math.Min(session.MaximumRetryCount, 1)),
                    // The answer is "Hello, world!": anything far larger is not Saleschat's hello, and is not read.
                    MaximumResponseSize = ResponseBody.ErrorBodyLimit,
                };
                // What real traffic sends: the certificate and, when the session has one, the API key. The documented
                // curl omits the key, so a host may not need it; sending it is never wrong, and a host that checks it
                // (Saleschat's docs: "the right API key and client certificate") would otherwise answer 401.
                ApiResponse response = await session.Sender.SendAsync(request, log, cancellationToken).ConfigureAwait(false);
                var used = session.Certificate;
                if (!ReferenceEquals(used, certificate))
                {
                    // The call was answered with the pair the session switched to: the result speaks of that one.
                    result.Thumbprint = used.Thumbprint;
                    result.DaysUntilExpiry = CertificateExpiry.DaysUntilExpiry(used);
                    notAfter = used.NotAfter;
                }

                result.StatusCode = response.StatusCode;
                result.Body = ServerText.Clean(response.Body, ServerText.MessageLimit, keepLines: true);
                result.HttpVersion = response.HttpVersion;
                if (Proxies.ProxyFailure.SawNoClientCertificate(session.ProxyRoute, response.StatusCode, response.Body))
                {
                    string issuer = ((Http.Transport.ITransportSource)session).Current.Validator.LastIssuer;
                    return Diagnose(result, MtlsDiagnosis.TlsInspectedByProxy, Messages.Proxy.InspectedTrusted(result.Uri, session.ProxyRoute?.Via, response.StatusCode, issuer));
                }

                return FromResponse(result, response, notAfter, session.HasApiKey, session.MissingClientIssuer);
            }
            catch (TransportException ex)
            {
                return FromFailure(result, ex, notAfter, session.HasApiKey, session.MissingClientIssuer);
            }
            catch (SaleschatException ex)
            {
                return Diagnose(result, MtlsDiagnosis.UnexpectedResponse, ex.Message);
            }
            finally
            {
                result.Elapsed = stopwatch.Elapsed;
            }
        }

        private static MtlsTestResult FromResponse(MtlsTestResult result, ApiResponse response, DateTime notAfter, bool hasApiKey, string missingIssuer)
        {
            if (response.StatusCode == 200 && (response.Body ?? string.Empty).Trim() == ExpectedBody)
            {
                return Diagnose(result, MtlsDiagnosis.Success, $"mTLS works: {result.Uri} answered '{ExpectedBody}' over {response.HttpVersion}.");
            }

            ApiError error = ApiError.From(response);
            CredentialRefusal refusal = CredentialRefusal.OfAnswer(response, error.SaleschatCode, notAfter, missingIssuer);
            string words = HelloForbidden.ServerWords(error);
            if ((refusal == null || refusal.Verdict == MtlsDiagnosis.ClientCertificateRefused || refusal.Verdict == MtlsDiagnosis.ClientCertificateExpired)
                && HelloForbidden.NamesCertificate(response, error))
            {
                // The hello tests the certificate alone: an application's 403 that names it refuses it, in its own words.
                string evidence = words != null ? $"HTTP {response.StatusCode} {words}" : $"HTTP {response.StatusCode}";
                return notAfter.ToUniversalTime() < DateTime.UtcNow
                    ? Diagnose(result, MtlsDiagnosis.ClientCertificateExpired, Messages.CertificateExpired(null, notAfter, evidence))
                    : Diagnose(result, MtlsDiagnosis.ClientCertificateRefused, Messages.CertificateRefused(null, evidence, result.Uri.Host));
            }

            if (refusal != null)
            {
                return Diagnose(result, refusal.Verdict, refusal.Message(null, result.Uri, notAfter, hasApiKey, error.SaleschatCode, error.SaleschatMessage));
            }

            if (response.StatusCode == 404)
            {
                return Diagnose(result, MtlsDiagnosis.WrongOrganization,
                    $"The server answered 404 for {result.Uri}: check -OrgId and the environment.");
            }

            return Diagnose(result, MtlsDiagnosis.UnexpectedResponse,
                $"Expected 200 '{ExpectedBody}', got {response.StatusCode} {ServerText.Clean(response.ReasonPhrase, 200, keepLines: false)}"
                + (words != null ? $" ({words})" : string.Empty) + ". Is -BaseUri Saleschat's mTLS host?");
        }

        private static MtlsTestResult FromFailure(MtlsTestResult result, TransportException ex, DateTime notAfter, bool hasApiKey, string missingIssuer)
        {
            // One hello on a fresh connection: a close right after the handshake is the edge refusing.
            CredentialRefusal refusal = CredentialRefusal.OfFailure(ex, ex.Failure, notAfter, closedIsRefusal: true, missingIssuer);
            if (refusal != null)
            {
                return Diagnose(result, refusal.Verdict, refusal.Message(null, result.Uri, notAfter, hasApiKey));
            }

            switch (ex.Failure)
            {
                case FailureKind.ClientKeyUnusable:
                    return Diagnose(result, MtlsDiagnosis.NoPrivateKey, ex.Message);
                case FailureKind.ServerCertificateUntrusted:
                    return Diagnose(result, MtlsDiagnosis.ServerCertificateUntrusted, Messages.ServerCertificateUntrusted(null, result.Uri.Host));
                case FailureKind.ServerNameMismatch:
                    return Diagnose(result, MtlsDiagnosis.ServerNameMismatch, Messages.ServerNameMismatch(null, result.Uri.Host));
                case FailureKind.DnsFailure:
                    return Diagnose(result, MtlsDiagnosis.DnsFailure, ex.Message);
                case FailureKind.ConnectionRefused:
                    return Diagnose(result, MtlsDiagnosis.ConnectionRefused, ex.Message);
                case FailureKind.Timeout:
                    return Diagnose(result, MtlsDiagnosis.Timeout, ex.Message);
                default:
                    // A proxy's failures carry their own one-line message (Proxies.ProxyFailure.Message).
                    MtlsDiagnosis? proxy = Proxies.ProxyFailure.Diagnosis(ex.Failure);
                    return Diagnose(result, proxy ?? MtlsDiagnosis.UnexpectedResponse, ex.Message);
            }
        }

        private static MtlsTestResult Diagnose(MtlsTestResult result, MtlsDiagnosis diagnosis, string message)
        {
            result.Diagnosis = diagnosis;
            result.Message = message;
            return result;
        }
    }
}
