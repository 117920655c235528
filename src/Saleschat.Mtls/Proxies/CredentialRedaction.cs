using System;
using System.Text.RegularExpressions;

namespace Saleschat.Mtls.Proxies
{
    /// <summary>
    /// Removes user:password@ from addresses in text the platform wrote. .NET puts the proxy address, credentials
    /// included, in its CONNECT failures ("The proxy tunnel request to proxy 'http://user:pass@proxy:3128/' failed with
    /// status code '407'."), and HTTPS_PROXY=http://user:pass@… is the documented way to give them.
    /// </summary>
    public static class CredentialRedaction
    {
        // scheme://userinfo@ — userinfo as RFC 3986 §3.2.1 allows it (no '/', '?', '#', '@' or whitespace, no quotes).
        private static readonly Regex UserInfo = new Regex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)[^/?#@\s'""]+@", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        public static string Text(string text) =>
            string.IsNullOrEmpty(text) || text.IndexOf('@') < 0 ? text : UserInfo.Replace(text, "${scheme}");

        /// <summary>
        /// The exception chain itself when no message in it holds user information; otherwise a copy whose messages
        /// are redacted (each link a <see cref="RedactedException"/> naming the original type), so nothing that keeps
        /// the chain ($Error, an error record's inner exception) keeps the credential.
        /// </summary>
        public static Exception Chain(Exception exception)
        {
            bool found = false;
            for (Exception e = exception; e != null && !found; e = e.InnerException)
            {
                found = Text(e.Message) != e.Message;
            }

            return found ? Copy(exception) : exception;
        }

        private static Exception Copy(Exception exception)
        {
            // Iterative, innermost first: a chain is short, but nothing here recurses on its length.
            var links = new System.Collections.Generic.List<Exception>();
            for (Exception e = exception; e != null && links.Count < 32; e = e.InnerException)
            {
                links.Add(e);
            }

            Exception inner = null;
            for (int i = links.Count - 1; i >= 0; i--)
            {
                inner = new RedactedException(links[i], Text(links[i].Message), inner);
            }

            return inner;
        }
    }
}
