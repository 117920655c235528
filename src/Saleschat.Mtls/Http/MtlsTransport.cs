using System;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace Saleschat.Mtls.Http
{
    /// <summary>
    /// One HTTP connection pool with the client certificate, reused by every call of a session: one TLS
    /// handshake serves thousands of requests. Thread-safe (HttpClient is), so runspaces can share it.
    /// </summary>
    public sealed class MtlsTransport : IDisposable
    {
        private readonly HttpClient _client;
        private readonly SessionOrigin _origin;

        public MtlsTransport(Uri baseUri, X509Certificate2 clientCertificate, X509Certificate2 serverAuthority, int maxConnections = 16, string userAgent = null)
        {
            _origin = new SessionOrigin(baseUri);
            var handler = new HttpClientHandler
            {
                // Manual: always present our certificate. .NET Framework's automatic selection may silently
                // skip a self-signed certificate the server did not list as acceptable (shared/PITFALLS.md).
                ClientCertificateOptions = ClientCertificateOption.Manual,
                SslProtocols = TlsPlatform.Protocols,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                AllowAutoRedirect = false,
                UseCookies = false,
                MaxConnectionsPerServer = maxConnections,
            };
            handler.ClientCertificates.Add(clientCertificate);
            if (serverAuthority != null)
            {
                handler.ServerCertificateCustomValidationCallback = new ServerCertificateValidator(serverAuthority).Validate;
            }

            // Timeouts are per attempt, through cancellation tokens; the client itself never times out.
            _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            _client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent ?? UserAgent.For(null));
        }

        public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
        {
            // The gate every request passes, whoever built it: the key and certificate go only to the session's host.
            _origin.Require(request.RequestUri);
            request.Version = TlsPlatform.RequestVersion;
            return _client.SendAsync(request, completion, cancellationToken);
        }

        public void Dispose() => _client.Dispose();
    }
}
