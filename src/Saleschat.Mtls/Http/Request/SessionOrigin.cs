using System;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Http.Request
{
    /// <summary>
    /// The origin gate: the one check that decides where a session may send its API key and client certificate
    /// (https, and the scheme, host and port of the session's BaseUri). <see cref="ApiPath.Resolve"/> asks it on the
    /// fully built URI of every request, and <see cref="MtlsTransport"/> asks it again on each message it sends;
    /// nothing else decides. It checks the built URI, never what the user typed: "/http://x" parses as a file URI on
    /// Unix and only becomes a foreign http URI after combining.
    /// </summary>
    public sealed class SessionOrigin
    {
        private readonly Uri _origin;

        public SessionOrigin(Uri baseUri)
        {
            if (baseUri == null || !baseUri.IsAbsoluteUri || baseUri.Scheme != Uri.UriSchemeHttps)
            {
                throw new SaleschatException(ErrorIds.InvalidBaseUri, ErrorKind.InvalidArgument,
                    $"The session's host '{baseUri}' must be an absolute https URI.", baseUri);
            }

            _origin = baseUri;
        }

        public string Authority => _origin.Authority;

        public bool Allows(Uri uri) =>
            uri != null
            && uri.IsAbsoluteUri
            && uri.Scheme == Uri.UriSchemeHttps
            && string.Equals(uri.Host, _origin.Host, StringComparison.OrdinalIgnoreCase)
            && uri.Port == _origin.Port
            && string.IsNullOrEmpty(uri.UserInfo);

        /// <summary>Throws <see cref="ErrorIds.ForeignHostRefused"/> before any connection is made.</summary>
        public void Require(Uri uri, string asTyped = null)
        {
            if (!Allows(uri))
            {
                string shown = uri == null ? "(none)" : uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Authority) : uri.OriginalString;
                throw new SaleschatException(ErrorIds.ForeignHostRefused, ErrorKind.SecurityError,
                    $"The request '{asTyped ?? uri?.OriginalString}' would go to {shown}, not the session's host https://{Authority}: refused before connecting, because the API key and client certificate go only to the session's host. Give a path such as '/v2/org/{{orgId}}/contact'.",
                    asTyped ?? (object)uri);
            }
        }
    }
}
