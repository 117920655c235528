using System;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http;
using Saleschat.Mtls.Sessions;

namespace Saleschat.Mtls
{
    /// <summary>
    /// A connection to one Saleschat mTLS host for one org: the client certificate, the API key (never
    /// shown) and one reusable connection pool. Thread-safe: several runspaces may share one session.
    /// </summary>
    public sealed class SaleschatSession : IDisposable
    {
        // The settings the session was made from, with its own read-only copy of the API key: the
        // properties below read them, and WithCertificate copies them whole.
        private readonly SessionSettings _settings;
        private MtlsState _state;

        private SaleschatSession(SessionSettings settings, Uri baseUri)
        {
            _settings = settings.WithCertificate(settings.Certificate);
            _settings.ApiKey = settings.ApiKey?.Copy();
            _settings.ApiKey?.MakeReadOnly();
            BaseUri = baseUri;
            _state = new MtlsState(settings.Certificate, NewTransport(settings.Certificate));
        }

        public SaleschatEnvironment Environment => _settings.BaseUri != null ? SaleschatEnvironment.Custom : _settings.Environment;

        public Uri BaseUri { get; }

        public string OrgId => _settings.OrgId;

        public X509Certificate2 Certificate => _state.Certificate;

        public string Thumbprint => Certificate.Thumbprint;

        public string Subject => Certificate.Subject;

        public DateTime NotAfter => Certificate.NotAfter;

        public int DaysUntilExpiry => CertificateExpiry.DaysUntilExpiry(Certificate);

        public bool HasApiKey => _settings.ApiKey != null;

        public X509Certificate2 ServerCertificateAuthority => _settings.ServerCertificateAuthority;

        public int TimeoutSec => _settings.TimeoutSec;

        public int MaximumRetryCount => _settings.MaximumRetryCount;

        public int RetryIntervalSec => _settings.RetryIntervalSec;

        public int ExpiryWarningDays => _settings.ExpiryWarningDays;

        public int MaximumConnections => _settings.MaximumConnections;

        /// <summary>The sender for API calls and the hello call: the current certificate's pool and the API key.</summary>
        internal ApiSender Sender => _state.Sender(_settings.ApiKey);

        public static SaleschatSession Create(SessionSettings settings)
        {
            if (settings.Certificate == null)
            {
                throw new SaleschatException(ErrorIds.ClientCertificateRequired, ErrorKind.InvalidArgument,
                    "A session needs a client certificate: pipe one in, or give -CertificatePath/-KeyPath, -CertificateThumbprint, -CertificatePem/-KeyPem, or the SALESCHAT_CLIENT_CERT and SALESCHAT_CLIENT_KEY environment variables.", null);
            }

            RequirePrivateKey(settings.Certificate);
            if (settings.BaseUri == null && settings.Environment == SaleschatEnvironment.Custom)
            {
                throw new SaleschatException(ErrorIds.InvalidBaseUri, ErrorKind.InvalidArgument,
                    "-Environment Custom needs -BaseUri: the address of the mTLS host to use.", settings.Environment);
            }

            Uri baseUri = settings.BaseUri ?? SaleschatHosts.For(settings.Environment);
            if (!baseUri.IsAbsoluteUri || baseUri.Scheme != Uri.UriSchemeHttps)
            {
                throw new SaleschatException(ErrorIds.InvalidBaseUri, ErrorKind.InvalidArgument,
                    $"'{baseUri}' is not an https:// address. mTLS needs HTTPS.", baseUri);
            }

            if (settings.TimeoutSec < 1 || settings.MaximumRetryCount < 0 || settings.RetryIntervalSec < 0)
            {
                throw new SaleschatException(ErrorIds.InvalidSessionSetting, ErrorKind.InvalidArgument,
                    "-TimeoutSec must be at least 1; -MaximumRetryCount and -RetryIntervalSec cannot be negative.", settings);
            }

            return new SaleschatSession(settings, baseUri.AbsoluteUri.EndsWith("/") ? baseUri : new Uri(baseUri.AbsoluteUri + "/"));
        }

        /// <summary>
        /// Switches to a new certificate without dropping the session: calls already in flight finish on
        /// the old pool, new calls use the new one. Used when a rotation completes.
        /// </summary>
        public void SwitchCertificate(X509Certificate2 certificate)
        {
            RequirePrivateKey(certificate);

            // The rotation loaded this certificate for the session, so the session releases it when it is retired:
            // on Windows an imported key's container is deleted only when its certificate is disposed.
            MtlsState old = System.Threading.Interlocked.Exchange(ref _state, new MtlsState(certificate, NewTransport(certificate), ownsCertificate: true));
            old.RetireAfterInFlightCalls();
        }

        /// <summary>The same host, org, key and trust with another certificate (to prove a rotation's next one).</summary>
        internal SaleschatSession WithCertificate(X509Certificate2 certificate) => Create(_settings.WithCertificate(certificate));

        internal RetryPolicy RetryPolicy(int? maximumRetryCount = null, int? retryIntervalSec = null) =>
            new RetryPolicy(maximumRetryCount ?? MaximumRetryCount, TimeSpan.FromSeconds(retryIntervalSec ?? RetryIntervalSec));

        public override string ToString() =>
            $"Saleschat {Environment} {BaseUri} org {OrgId ?? "(none)"} certificate {Thumbprint} ({DaysUntilExpiry} days left)";

        public void Dispose() => _state.Release();

        private MtlsTransport NewTransport(X509Certificate2 certificate) =>
            new MtlsTransport(BaseUri, certificate, ServerCertificateAuthority, MaximumConnections, _settings.UserAgent);

        private static void RequirePrivateKey(X509Certificate2 certificate)
        {
            if (!certificate.HasPrivateKey)
            {
                throw new SaleschatException(ErrorIds.CertificateHasNoPrivateKey, ErrorKind.InvalidArgument,
                    $"The certificate '{certificate.Subject}' ({certificate.Thumbprint}) has no private key, so it cannot authenticate a TLS client. Load it with its key (Get-SaleschatClientCertificate -KeyPath).", certificate);
            }

            ClientKeyCheck.RequireUsable(certificate);
        }

        /// <summary>A certificate and its pool, swapped as one so no call sees a mix of the two.</summary>
        private sealed class MtlsState
        {
            private readonly bool _ownsCertificate;

            public MtlsState(X509Certificate2 certificate, MtlsTransport transport, bool ownsCertificate = false)
            {
                Certificate = certificate;
                Transport = transport;
                _ownsCertificate = ownsCertificate;
            }

            public X509Certificate2 Certificate { get; }

            public MtlsTransport Transport { get; }

            public ApiSender Sender(SecureString apiKey) => new ApiSender(Transport, apiKey);

            public void RetireAfterInFlightCalls()
            {
                // Give calls in flight time to finish on the old connections before closing them.
                System.Threading.Tasks.Task.Delay(TimeSpan.FromMinutes(2)).ContinueWith(_ => Release());
            }

            /// <summary>Closes the pool, and releases the certificate when the session loaded it (never a caller's own).</summary>
            public void Release()
            {
                Transport.Dispose();
                if (_ownsCertificate)
                {
                    Certificate.Dispose();
                }
            }
        }
    }
}
