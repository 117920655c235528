using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace Saleschat.Mtls.Secrets
{
    /// <summary>
    /// The one way the module repeats a platform's own words (an exception's message) in a message, a log line or an
    /// error record: any URI in them loses its user information. .NET writes the proxy URI, credentials included, into
    /// its CONNECT and proxy failures ("The proxy tunnel request to proxy 'http://user:pass@proxy:3128/' failed with
    /// status code '403'.", dotnet/runtime src/libraries/System.Net.Http/src/Resources/Strings.resx,
    /// net_http_proxy_tunnel_returned_failure_status_code), and HTTPS_PROXY=http://user:pass@proxy is how CI gives them.
    /// </summary>
    public static class PlatformMessage
    {
        // scheme://userinfo@ where userinfo runs to the last '@' before the host: a password may hold '@' once
        // Uri.ToString has unescaped it.
        private static readonly Regex UserInfo = new Regex(
            @"\b([a-z][a-z0-9+.\-]*://)[^\s/?#'""<>]*@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        /// <summary>The text with the user information of every URI removed ("http://proxy:3128/").</summary>
        public static string Redact(string text)
        {
            if (string.IsNullOrEmpty(text) || text.IndexOf("://", StringComparison.Ordinal) < 0 || text.IndexOf('@') < 0)
            {
                return text;
            }

            try
            {
                return UserInfo.Replace(text, "$1");
            }
            catch (RegexMatchTimeoutException)
            {
                return "(the platform's message was withheld: it may hold credentials)";
            }
        }

        /// <summary>An exception's message as the module may show it.</summary>
        public static string Of(Exception exception) => Redact(exception?.Message);

        /// <summary>
        /// The exception to keep as the inner exception of an error record: itself when no message in its chain holds
        /// user information, else a copy of the chain whose messages are redacted (Get-Error and Exception.ToString()
        /// print every inner message).
        /// </summary>
        public static Exception Scrubbed(Exception exception)
        {
            if (!NeedsScrubbing(exception))
            {
                return exception;
            }

            // Copied innermost first, without recursion; a platform's chain is short (at most 32 links are kept).
            var links = new List<Exception>();
            for (Exception e = exception; e != null && links.Count < 32; e = e.InnerException)
            {
                links.Add(e);
            }

            Exception copy = null;
            for (int i = links.Count - 1; i >= 0; i--)
            {
                copy = new RedactedPlatformException(links[i], Of(links[i]), copy);
            }

            return copy;
        }

        private static bool NeedsScrubbing(Exception exception)
        {
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                if (!string.Equals(Redact(e.Message), e.Message, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
