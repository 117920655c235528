using System.Net.Http;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using System.Threading;
using System;
using Saleschat.Mtls.Http.Request;

namespace Saleschat.Mtls.Http.Transport
{
    /// <summary>
    /// One HTTP connection pool with the client certificate, reused by every call of a session: one TLS
    /// handshake serves thousands of requests. Thread-safe (HttpClient is), so runspaces can share it.
    /// </summary>
    /// <remarks>
    /// Calls hold the pool with <see cref="TryAcquire"/>/<see cref="Release"/> for as long as they use it (the send
    /// and the body read). A pool retired by a certificate switch is disposed when its last call releases it, never
    /// under a running call: a timer once disposed it two minutes after a switch, and long pipelines then failed
    /// with "Cannot access a disposed object".
    /// </remarks>
    public sealed class MtlsTransport : IDisposable
    {
        private const int Active = 0;
        private const int Retired = 1;
        private const int Closed = 2;

        private readonly HttpClient _client;
        private readonly SessionOrigin _origin;
        private readonly ServerCertificateValidator _validator;
        private int _inFlight;
        private int _state;
        private int _disposed;
        private X509Certificate2 _ownedCertificate;

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
                // Bodies are decompressed by ResponseBody, which counts both sides: a gzip bomb is stopped by
                // its ratio instead of being inflated blindly by the handler.
                AutomaticDecompression = DecompressionMethods.None,
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

        /// <summary>Calls holding the pool right now.</summary>
        public int InFlight => Volatile.Read(ref _inFlight);

        /// <summary>True once the pool is retired or closed: new calls must use the session's current pool.</summary>
        public bool IsRetired => Volatile.Read(ref _state) != Active;

        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        /// <summary>Holds the pool for one call; false when it was retired or closed (take the current one instead).</summary>
        public bool TryAcquire()
        {
            Interlocked.Increment(ref _inFlight);
            if (Volatile.Read(ref _state) != Active)
            {
                Release();
                return false;
            }

            return true;
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _state) == Retired)
            {
                DisposeOnce();
            }
        }

        /// <summary>No new calls; disposed as soon as the calls holding it are done (at once if none are).</summary>
        public void Retire()
        {
            Interlocked.CompareExchange(ref _state, Retired, Active);
            if (Volatile.Read(ref _inFlight) == 0)
            {
                DisposeOnce();
            }
        }

        /// <param name="http11">HTTP/1.1 only: the host asked for it (<see cref="Http11Fallback"/>).</param>
        public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken, bool http11 = false)
        {
            // The gate every request passes, whoever built it: the key and certificate go only to the session's host.
            _origin.Require(request.RequestUri);

            // Version 1.1 under the default RequestVersionOrLower policy takes the handler's HTTP/1.1 connections, whose TLS
            // handshakes offer no h2 (no ALPN list at all: dotnet/runtime SocketsHttpHandler/ConnectionPool/HttpConnectionPool.cs,
            // _sslOptionsHttp11), so the server cannot pick HTTP/2 again.
            request.Version = http11 ? HttpVersion.Version11 : TlsPlatform.RequestVersion;

            // .NET Framework's HttpWebRequest sends "Expect: 100-continue" with every body and waits for the answer
            // (ServicePointManager.Expect100Continue defaults to true); HttpClientHandler copies this header setting to
            // the ServicePoint (referencesource HttpClientHandler.cs, SetServicePointOptions).
            // .NET leaves it unset (no Expect header) unless asked: setting it there would only cost a header entry per request.
            if (TlsPlatform.IsNetFramework)
            {
                request.Headers.ExpectContinue = false;
            }
            return _client.SendAsync(request, completion, cancellationToken);
        }

        /// <summary>Closes the pool now, even under running calls (the session was closed).</summary>
        public void Dispose()
        {
            Volatile.Write(ref _state, Closed);
            DisposeOnce();
        }

        /// <summary>Disposes this certificate with the pool (one the session loaded itself, never a caller's own).</summary>
        public void ReleaseCertificateWhenDisposed(X509Certificate2 certificate) => _ownedCertificate = certificate;

        private void DisposeOnce()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _client.Dispose();
                _ownedCertificate?.Dispose();
            }
        }
    }
}
