using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http;

namespace Saleschat.Mtls.Diagnostics
{
    /// <summary>
    /// Saleschat's documented test: GET /v4/orgs/{orgId}/mtls/hello with the client certificate answers
    /// 200 text/plain "Hello, world!". Never throws for a failed check: every failure becomes a diagnosis.
    /// </summary>
    public static class MtlsProbe
    {
        public const string HelloPath = "/v4/orgs/{orgId}/mtls/hello";
        public const string ExpectedBody = "Hello, world!";

        public static async Task<MtlsTestResult> RunAsync(SaleschatSession session, Action<string> log, CancellationToken cancellationToken)
        {
            var certificate = session.Certificate;
            var result = new MtlsTestResult
            {
                Thumbprint = certificate.Thumbprint,
                DaysUntilExpiry = CertificateExpiry.DaysUntilExpiry(certificate),
            };

            if (!certificate.HasPrivateKey)
            {
                return Diagnose(result, MtlsDiagnosis.ClientCertificateNoPrivateKey,
                    "The certificate has no private key, so it cannot authenticate. Load it with its key file.");
            }

            var stopwatch = Stopwatch.StartNew();
            try
            {
                result.Uri = ApiPath.Resolve(session.BaseUri, HelloPath, session.OrgId, null);
                var request = new ApiRequest
                {
                    Method = "GET",
                    Uri = result.Uri,
                    Timeout = TimeSpan.FromSeconds(session.TimeoutSec),
                    // One retry at most: the common failure, a certificate not uploaded yet, looks like a
                    // dropped connection, and a person waiting for the diagnosis should not sit through backoff.
                    Retry = session.RetryPolicy(Math.Min(session.MaximumRetryCount, 1)),
                    // The answer is "Hello, world!": anything far larger is not Saleschat's hello, and is not read.
                    MaximumResponseSize = ResponseBody.ErrorBodyLimit,
                };
                ApiResponse response = await session.CertificateOnlySender.SendAsync(request, log, cancellationToken).ConfigureAwait(false);
                result.StatusCode = response.StatusCode;
                result.Body = ServerText.Clean(response.Body, ServerText.MessageLimit, keepLines: true);
                result.HttpVersion = response.HttpVersion;
                return FromResponse(result, response, certificate.NotAfter);
            }
            catch (TransportException ex)
            {
                return FromFailure(result, ex, certificate.NotAfter);
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

        private static MtlsTestResult FromResponse(MtlsTestResult result, ApiResponse response, DateTime notAfter)
        {
            if (response.StatusCode == 200 && (response.Body ?? string.Empty).Trim() == ExpectedBody)
            {
                return Diagnose(result, MtlsDiagnosis.Success, $"mTLS works: {result.Uri} answered '{ExpectedBody}' over {response.HttpVersion}.");
            }

            if (response.StatusCode == 403 || response.StatusCode == 401)
            {
                ApiError error = ApiError.From(response);
                if (error.SaleschatCode == 4030001)
                {
                    return Diagnose(result, MtlsDiagnosis.WrongOrganization,
                        $"The server accepted the certificate but refused the org in {result.Uri.AbsolutePath} ({error.SaleschatCode} {error.SaleschatMessage}). Check -OrgId: the certificate must be uploaded in that org's Settings > mTLS.");
                }

                if (ExpiredNow(notAfter))
                {
                    return Expired(result, notAfter);
                }

                return Diagnose(result, MtlsDiagnosis.ClientCertificateRefused,
                    $"The server answered {response.StatusCode}: it did not accept the client certificate. Upload it in Saleschat (Settings > mTLS > Upload Certificate) for this environment ({result.Uri.Host}), then test again.");
            }

            if (response.StatusCode == 404)
            {
                return Diagnose(result, MtlsDiagnosis.WrongOrganization,
                    $"The server answered 404 for {result.Uri}: check -OrgId and the environment.");
            }

            return Diagnose(result, MtlsDiagnosis.UnexpectedResponse,
                $"Expected 200 '{ExpectedBody}', got {response.StatusCode} {ServerText.Clean(response.ReasonPhrase, 200, keepLines: false)}. Is -BaseUri Saleschat's mTLS host?");
        }

        private static MtlsTestResult FromFailure(MtlsTestResult result, TransportException ex, DateTime notAfter)
        {
            switch (ex.Failure)
            {
                case FailureKind.ClientCertificateRefused:
                case FailureKind.ConnectionClosed:
                    return ExpiredNow(notAfter)
                        ? Expired(result, notAfter)
                        : Diagnose(result, MtlsDiagnosis.ClientCertificateRefused,
                            $"The server refused the client certificate ({FailureClassifier.InnermostMessage(ex)}). Is it uploaded in Saleschat (Settings > mTLS > Upload Certificate) for this environment ({result.Uri.Host})? UAT and Production keep separate lists.");
                case FailureKind.ServerCertificateUntrusted:
                    return Diagnose(result, MtlsDiagnosis.ServerCertificateUntrusted, ex.Message);
                case FailureKind.DnsFailure:
                    return Diagnose(result, MtlsDiagnosis.DnsFailure, ex.Message);
                case FailureKind.ConnectionRefused:
                    return Diagnose(result, MtlsDiagnosis.ConnectionRefused, ex.Message);
                case FailureKind.Timeout:
                    return Diagnose(result, MtlsDiagnosis.Timeout, ex.Message);
                default:
                    return Diagnose(result, MtlsDiagnosis.UnexpectedResponse, ex.Message);
            }
        }

        private static bool ExpiredNow(DateTime notAfter) => notAfter.ToUniversalTime() < DateTime.UtcNow;

        private static MtlsTestResult Expired(MtlsTestResult result, DateTime notAfter) =>
            Diagnose(result, MtlsDiagnosis.ClientCertificateExpired,
                $"The client certificate expired on {notAfter.ToUniversalTime():u}. Make a new one, upload it, and rotate (Start-SaleschatCertificateRotation).");

        private static MtlsTestResult Diagnose(MtlsTestResult result, MtlsDiagnosis diagnosis, string message)
        {
            result.Diagnosis = diagnosis;
            result.Message = message;
            return result;
        }
    }
}
