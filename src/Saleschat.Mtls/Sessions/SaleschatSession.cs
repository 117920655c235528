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
        private readonly SecureString _apiKey;
        private MtlsState _state;

        private SaleschatSession(SessionSettings settings, Uri baseUri)
        {
            Environment = settings.BaseUri != null ? SaleschatEnvironment.Custom : settings.Environment;
            BaseUri = baseUri;
            OrgId = settings.OrgId;
            _apiKey = settings.ApiKey?.Copy();
            _apiKey?.MakeReadOnly();
            ServerCertificateAuthority = settings.ServerCertificateAuthority;
            TimeoutSec = settings.TimeoutSec;
            MaximumRetryCount = settings.MaximumRetryCount;
            RetryIntervalSec = settings.RetryIntervalSec;
            ExpiryWarningDays = settings.ExpiryWarningDays;
            MaximumConnections = settings.MaximumConnections;
            _state = new MtlsState(settings.Certificate, NewTransport(settings.Certificate));
        }

        public SaleschatEnvironment Environment { get; }

        public Uri BaseUri { get; }

        public string OrgId { get; }

        public X509Certificate2 Certificate => _state.Certificate;

        public string Thumbprint => Certificate.Thumbprint;

        public string Subject => Certificate.Subject;

        public DateTime NotAfter => Certificate.NotAfter;

        public int DaysUntilExpiry => CertificateExpiry.DaysUntilExpiry(Certificate);

        public bool HasApiKey => _apiKey != null;

        public X509Certificate2 ServerCertificateAuthority { get; }

        public int TimeoutSec { get; }

        public int MaximumRetryCount { get; }

        public int RetryIntervalSec { get; }

        public int ExpiryWarningDays { get; }

        public int MaximumConnections { get; }

        /// <summary>The sender for API calls: the current certificate's pool and the API key.</summary>
        internal ApiSender Sender => _state.Sender(_apiKey);

        /// <summary>A sender with no API key, for the hello call (which needs only the certificate).</summary>
        internal ApiSender CertificateOnlySender => _state.Sender(null);

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
            MtlsState old = System.Threading.Interlocked.Exchange(ref _state, new MtlsState(certificate, NewTransport(certificate)));
            old.RetireAfterInFlightCalls();
        }

        /// <summary>The same host, org, key and trust with another certificate (to prove a rotation's next one).</summary>
        internal SaleschatSession WithCertificate(X509Certificate2 certificate) =>
            Create(new SessionSettings
            {
                Environment = Environment,
                BaseUri = Environment == SaleschatEnvironment.Custom ? BaseUri : null,
                OrgId = OrgId,
                ApiKey = _apiKey,
                Certificate = certificate,
                ServerCertificateAuthority = ServerCertificateAuthority,
                TimeoutSec = TimeoutSec,
                MaximumRetryCount = MaximumRetryCount,
                RetryIntervalSec = RetryIntervalSec,
                ExpiryWarningDays = ExpiryWarningDays,
                MaximumConnections = MaximumConnections,
            });

        internal RetryPolicy RetryPolicy(int? maximumRetryCount = null, int? retryIntervalSec = null) =>
            new RetryPolicy(maximumRetryCount ?? MaximumRetryCount, TimeSpan.FromSeconds(retryIntervalSec ?? RetryIntervalSec));

        public override string ToString() =>
            $"Saleschat {Environment} {BaseUri} org {OrgId ?? "(none)"} certificate {Thumbprint} ({DaysUntilExpiry} days left)";

        public void Dispose() => _state.Transport.Dispose();

        private MtlsTransport NewTransport(X509Certificate2 certificate) =>
            new MtlsTransport(certificate, ServerCertificateAuthority, MaximumConnections);

        private static void RequirePrivateKey(X509Certificate2 certificate)
        {
            if (!certificate.HasPrivateKey)
            {
                throw new SaleschatException(ErrorIds.CertificateHasNoPrivateKey, ErrorKind.InvalidArgument,
                    $"The certificate '{certificate.Subject}' ({certificate.Thumbprint}) has no private key, so it cannot authenticate a TLS client. Load it with its key (Get-SaleschatClientCertificate -KeyPath).", certificate);
            }
        }

        /// <summary>A certificate and its pool, swapped as one so no call sees a mix of the two.</summary>
        private sealed class MtlsState
        {
            public MtlsState(X509Certificate2 certificate, MtlsTransport transport)
            {
                Certificate = certificate;
                Transport = transport;
            }

            public X509Certificate2 Certificate { get; }

            public MtlsTransport Transport { get; }

            public ApiSender Sender(SecureString apiKey) => new ApiSender(Transport, apiKey);

            public void RetireAfterInFlightCalls()
            {
                // Give calls in flight time to finish on the old connections before closing them.
                System.Threading.Tasks.Task.Delay(TimeSpan.FromMinutes(2)).ContinueWith(_ => Transport.Dispose());
            }
        }
    }
}
