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
        private readonly ServerCertificateValidator _validator;

        public MtlsTransport(Uri baseUri, X509Certificate2 clientCertificate, X509Certificate2 serverAuthority, int maxConnections = 16, string userAgent = null)
        {
            _origin = new SessionOrigin(baseUri);
            ClientCertificateNotAfter = clientCertificate.NotAfter;
            var handler = new HttpClientHandler
            {
                // Manual: use exactly our certificate, never one found in the user's store. It does NOT force
                // .NET Framework to send it: there SecureChannel still drops a certificate whose issuer the server
                // did not list as acceptable (referencesource _SecureChannel.cs, AcquireClientCredentials); the
                // diagnosis says so (TlsPlatform.ClientCertificateAdvice). .NET sends it regardless.
                ClientCertificateOptions = ClientCertificateOption.Manual,
                SslProtocols = TlsPlatform.ProtocolsFor(clientCertificate),
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                AllowAutoRedirect = false,
                UseCookies = false,
                MaxConnectionsPerServer = maxConnections,
            };
            handler.ClientCertificates.Add(clientCertificate);

            // Always our own callback, even with no extra CA: on .NET Framework, HttpClientHandler sets the request's
            // callback only when this one is non-null (referencesource System/net/System/Net/Http/HttpClientHandler.cs,
            // CreateAndPrepareWebRequest); otherwise the process-wide ServicePointManager.ServerCertificateValidationCallback
            // decides, which many 5.1 scripts set to { $true }.
            _validator = new ServerCertificateValidator(serverAuthority);
            handler.ServerCertificateCustomValidationCallback = _validator.Validate;
            ServerCertificateCallback = handler.ServerCertificateCustomValidationCallback;

            // Timeouts are per attempt, through cancellation tokens; the client itself never times out.
            _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            _client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent ?? UserAgent.For(null));
        }

        /// <summary>When the client certificate expires: a refusal after that says "expired", not "not uploaded".</summary>
        public DateTime ClientCertificateNotAfter { get; }

        /// <summary>Whether the server's certificate was last refused for its name (the CA given for it may be right).</summary>
        public bool ServerNameMismatched => _validator?.LastRefusalWasNameMismatch == true;

        /// <summary>The handler's own server-certificate callback (never null), for tests.</summary>
        internal Func<HttpRequestMessage, X509Certificate2, X509Chain, System.Net.Security.SslPolicyErrors, bool> ServerCertificateCallback { get; }

        public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
        {
            // The gate every request passes, whoever built it: the key and certificate go only to the session's host.
            _origin.Require(request.RequestUri);
            request.Version = TlsPlatform.RequestVersion;

            // .NET Framework's HttpWebRequest sends "Expect: 100-continue" with every body and waits for the answer
            // (ServicePointManager.Expect100Continue defaults to true); HttpClientHandler copies this header setting to
            // the ServicePoint (referencesource HttpClientHandler.cs, SetServicePointOptions).
            request.Headers.ExpectContinue = false;
            return _client.SendAsync(request, completion, cancellationToken);
        }

        public void Dispose() => _client.Dispose();
    }
}
