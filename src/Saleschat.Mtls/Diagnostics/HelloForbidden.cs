using System.Text.RegularExpressions;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http.Response;

namespace Saleschat.Mtls.Diagnostics
{
    /// <summary>
    /// A 403 to the hello call. The call exists only to test the client certificate, so an application behind an edge
    /// that lets any certificate through (nginx `ssl_verify_client optional_no_ca`) and refuses it itself, with its own
    /// code (403 {"code":4030009,"message":"CLIENT_CERTIFICATE_NOT_REGISTERED"}), is refusing the certificate when its
    /// words name it. The server's own words are kept for the message either way.
    /// </summary>
    public static class HelloForbidden
    {
        // "certificate" anywhere, or "cert" as a word of its own (CLIENT_CERT_REVOKED, "cert not registered").
        private static readonly Regex NamesCertificateText = new Regex(
            "certificate|(^|[^a-z])cert([^a-z]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, System.TimeSpan.FromSeconds(1));

        /// <summary>True for a 403 that is not the org's code and whose code or words name the client certificate.</summary>
        public static bool NamesCertificate(ApiResponse response, ApiError error)
        {
            if (response.StatusCode != 403 || error.SaleschatCode == ResponseRefusal.ForbiddenOrgCode)
            {
                return false;
            }

            return error.SaleschatCode == ResponseRefusal.CertificateNotRegisteredCode
                || Names(error.SaleschatMessage) || Names(error.Description);
        }

        /// <summary>"4030009 CLIENT_CERTIFICATE_NOT_REGISTERED: description", cleaned and bounded; null when the body said nothing.</summary>
        public static string ServerWords(ApiError error)
        {
            string head = error.SaleschatCode != null && error.SaleschatMessage != null ? $"{error.SaleschatCode} {error.SaleschatMessage}"
                : error.SaleschatCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? error.SaleschatMessage;
            string words = head != null && error.Description != null ? head + ": " + error.Description : head ?? error.Description;
            return string.IsNullOrWhiteSpace(words) ? null : ServerText.Clean(words, 300, keepLines: false);
        }

        private static bool Names(string text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return false;
            }

            try
            {
                return NamesCertificateText.IsMatch(text);
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }
    }
}
