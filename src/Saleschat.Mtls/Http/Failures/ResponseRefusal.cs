using System;
using Saleschat.Mtls.Http.Response;

namespace Saleschat.Mtls.Http.Failures
{
    /// <summary>What an HTTP answer from an mTLS host says was refused, if anything.</summary>
    public enum RefusalKind
    {
        /// <summary>Not a refusal of the caller's credentials (a success, or an ordinary API error).</summary>
        None,

        /// <summary>The client certificate: nginx's 400 pages or 495/496, or a 403 without an org code.</summary>
        ClientCertificate,

        /// <summary>The API key: 401 after a completed handshake (the certificate was accepted to get that far).</summary>
        ApiKey,

        /// <summary>The certificate and key were accepted, the org in the path was not (403 with Saleschat's 4030001).</summary>
        Organization,
    }

    /// <summary>
    /// Reads the HTTP answers with which real edges refuse: nginx `ssl_verify_client on` answers an unknown,
    /// missing or expired certificate with 400 and the page "400 The SSL certificate error" or "400 No required
    /// SSL certificate was sent" (its internal codes 495 and 496, visible when a site maps them with error_page;
    /// http/ngx_http_request.h); `optional_no_ca` setups and applications answer 403; Saleschat says 4030002
    /// for an unregistered certificate and 4030001 for another org's path.
    /// </summary>
    public static class ResponseRefusal
    {
        /// <summary>Saleschat's code for "the API key has no access to this org".</summary>
        public const long ForbiddenOrgCode = 4030001;

        /// <summary>Saleschat's code for "this client certificate is not registered".</summary>
        public const long CertificateNotRegisteredCode = 4030002;

        private static readonly string[] NginxCertificatePages =
        {
            "the ssl certificate error", "no required ssl certificate was sent", "ssl certificate error", "ssl certificate required",
        };

        public static RefusalKind Of(ApiResponse response) => Of(response, ApiError.From(response).SaleschatCode);

        public static RefusalKind Of(ApiResponse response, long? saleschatCode)
        {
            switch (response.StatusCode)
            {
                case 401:
                    return RefusalKind.ApiKey;
                case 403:
                    // Another Saleschat code on a 403 is an ordinary API permission error, not the edge refusing.
                    return saleschatCode == ForbiddenOrgCode ? RefusalKind.Organization
                        : saleschatCode == null || saleschatCode == CertificateNotRegisteredCode ? RefusalKind.ClientCertificate
                        : RefusalKind.None;
                case 495:
                case 496:
                    return RefusalKind.ClientCertificate;
                case 400:
                    return IsNginxCertificatePage(response.Body) ? RefusalKind.ClientCertificate : RefusalKind.None;
                default:
                    return RefusalKind.None;
            }
        }

        /// <summary>The title of nginx's page for a certificate that was required and not sent (its 496, shown as 400).</summary>
        public const string NoCertificateSentTitle = "No required SSL certificate was sent";

        /// <summary>The page's own words ("The SSL certificate error"), for a message; null when it is not one.</summary>
        public static string NginxPageTitle(string body)
        {
            if (string.IsNullOrEmpty(body))
            {
                return null;
            }

            string lower = body.ToLowerInvariant();
            if (lower.Contains("no required ssl certificate was sent"))
            {
                return NoCertificateSentTitle;
            }

            return lower.Contains("ssl certificate error") ? "The SSL certificate error" : null;
        }

        private static bool IsNginxCertificatePage(string body)
        {
            if (string.IsNullOrEmpty(body))
            {
                return false;
            }

            string lower = body.ToLowerInvariant();
            foreach (string page in NginxCertificatePages)
            {
                if (lower.IndexOf(page, StringComparison.Ordinal) >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
