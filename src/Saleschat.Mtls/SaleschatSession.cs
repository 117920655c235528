using System.Security.Cryptography.X509Certificates;
using System.Security;
using System;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Transport;
using Saleschat.Mtls.Http;
using Saleschat.Mtls.Secrets;
using Saleschat.Mtls.Sessions;

namespace Saleschat.Mtls
{
    /// <summary>
    /// A connection to one Saleschat mTLS host for one org: the client certificate, the API key (never
    /// shown) and one reusable connection pool. Thread-safe: several runspaces may share one session.
    /// </summary>
    public sealed class SaleschatSession : IDisposable, ITransportSource
    {
        // Enough for any burst of switches racing one call; a call never loops for long.
        private const int MaximumAcquireTries = 100;

        // The settings the session was made from, with its own read-only copy of the API key: the
        // properties below read them, and WithCertificate copies them whole.
        private readonly SessionSettings _settings;
        private readonly ApiSender _sender;
        private MtlsState _state;
        private volatile bool _closed;

        // Set only for a session made from certificate and key files: it follows a pair promoted by another process.
        private CertificateFileFollower _follower;

        private SaleschatSession(SessionSettings settings, Uri baseUri, bool ownsCertificate)
        {
            _settings = settings.WithCertificate(settings.Certificate);
            _settings.ApiKey = settings.ApiKey?.Copy();
            _settings.ApiKey?.MakeReadOnly();
            BaseUri = baseUri;
            ProxyRoute = Proxies.ProxyRoute.For(settings.Proxy, baseUri);
            MtlsTransport transport = NewTransport(settings.Certificate);
            if (ownsCertificate)
            {
                Own(transport, settings.Certificate);
            }

            _state = new MtlsState(settings.Certificate, transport);

            // The Authorization value is built once, here, and shared by every request: building it per request
            // left two plain-text copies of the key on the heap per call (100 in a core dump after 50 requests).
            _sender = new ApiSender(this, BearerValue(_settings.ApiKey));
        }

        public SaleschatEnvironment Environment => _settings.BaseUri != null ? SaleschatEnvironment.Custom : _settings.Environment;

        public Uri BaseUri { get; }

        public string OrgId => _settings.OrgId;

        public X509Certificate2 Certificate => _state.Certificate;

        // Read when the certificate was set: a closed session may have disposed the certificate it loaded, and its
        // view, ToString and SessionClosed message must still name it.
        public string Thumbprint => _state.Thumbprint;

        public string Subject => _state.Subject;

        public DateTime NotAfter => _state.NotAfter;

        public int DaysUntilExpiry => (int)Math.Floor((NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalDays);

        public bool HasApiKey => _settings.ApiKey != null;

        /// <summary>The issuer missing from the chain the current pool sends (see MtlsTransport.MissingClientIssuer), or null.</summary>
        internal string MissingClientIssuer => System.Threading.Volatile.Read(ref _state).Transport.MissingClientIssuer;

        public X509Certificate2 ServerCertificateAuthority => _settings.ServerCertificateAuthority;

        public int TimeoutSec => _settings.TimeoutSec;

        public int MaximumRetryCount => _settings.MaximumRetryCount;

        public int RetryIntervalSec => _settings.RetryIntervalSec;

        public int ExpiryWarningDays => _settings.ExpiryWarningDays;

        public int MaximumConnections => _settings.MaximumConnections;

        /// <summary>The proxy the session reaches its host through (its address, never a credential, and where it came from), or "direct".</summary>
        public string Proxy => ProxyRoute.Description;

        internal Proxies.ProxyRoute ProxyRoute { get; }

        /// <summary>The sender for API calls and the hello call: the current certificate's pool and the API key.</summary>
        internal ApiSender Sender => _sender;

        /// <summary>
        /// True for a session made from certificate and key files: it switches to the pair on disk when another process
        /// promotes a new one. A session made from a certificate object, the store, PEM text or environment variables
        /// cannot follow files.
        /// </summary>
        public bool FollowsCertificateFiles => _follower != null;

        /// <summary>The certificate file the session follows, or null (see <see cref="FollowsCertificateFiles"/>).</summary>
        public string CertificatePath => _follower?.CertificatePath;

        /// <summary>False once the session was closed (Remove-Module, Import-Module -Force or Dispose).</summary>
        public bool IsOpen => !_closed;

        bool ITransportSource.IsClosed => _closed;

        MtlsTransport ITransportSource.Current => System.Threading.Volatile.Read(ref _state).Transport;

        public static SaleschatSession Create(SessionSettings settings) => Create(settings, ownsCertificate: false);

        /// <summary>
        /// A session; with <paramref name="ownsCertificate"/> (a certificate New-SaleschatSession loaded from files, PEM or
        /// the store, never one the caller passed in) the session disposes the certificate when it is closed, and so
        /// does a create that fails. On Windows a PFX-imported key is a file under %APPDATA%\Microsoft\Crypto that is
        /// erased only when its certificate is disposed or finalized (dotnet/corefx#8186; dotnet/runtime#48789), and .NET
        /// runs no finalizers at process exit ("Object.Finalize", learn.microsoft.com): <see cref="OwnedCertificates"/>
        /// disposes what open sessions still own when the process exits.
        /// </summary>
        internal static SaleschatSession Create(SessionSettings settings, bool ownsCertificate)
        {
            try
            {
                return CreateChecked(settings, ownsCertificate);
            }
            catch when (ownsCertificate)
            {
                settings.Certificate?.Dispose();
                throw;
            }
        }

        private static SaleschatSession CreateChecked(SessionSettings settings, bool ownsCertificate)
        {
            if (settings.Certificate == null)
            {
                throw new SaleschatException(ErrorIds.ClientCertificateRequired, ErrorKind.InvalidArgument,
                    "A session needs a client certificate: pipe one in, or give -CertificatePath/-KeyPath, -CertificateThumbprint, -CertificatePem/-KeyPem, or the SALESCHAT_CLIENT_CERT and SALESCHAT_CLIENT_KEY environment variables.", null);
            }

            RequirePrivateKey(settings.Certificate);
            RequireUsableApiKey(settings.ApiKey);
            OrgIdRule.Require(settings.OrgId);
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

            return new SaleschatSession(settings, baseUri.AbsoluteUri.EndsWith("/") ? baseUri : new Uri(baseUri.AbsoluteUri + "/"), ownsCertificate);
        }

        /// <summary>
        /// Switches to a new certificate without dropping the session: calls already in flight finish on
        /// the old pool, which is closed when the last of them is done; new calls (and new attempts of a
        /// running pipeline) use the new one. Used when a rotation completes.
        /// </summary>
        public void SwitchCertificate(X509Certificate2 certificate)
        {
            RequirePrivateKey(certificate);
            if (_closed)
            {
                throw ClosedError();
            }

            // The rotation loaded this certificate for the session, so the session releases it with its pool: on
            // Windows an imported key's container is deleted only when its certificate is disposed.
            MtlsTransport transport = NewTransport(certificate);
            Own(transport, certificate);
            MtlsState old = System.Threading.Interlocked.Exchange(ref _state, new MtlsState(certificate, transport));
            old.Transport.Retire();
        }

        /// <summary>Follows the pair in these files from now on (New-SaleschatSession -CertificatePath -KeyPath).</summary>
        internal void FollowFiles(string certificatePath, string keyPath, SecureString password, string chainPath = null) =>
            _follower = new CertificateFileFollower(certificatePath, keyPath, password, chainPath);

        bool ITransportSource.Follow(Action<string> log, bool refused)
        {
            // A closed session has released its certificate: nothing to compare, and the call says SessionClosed.
            if (_follower == null || _closed)
            {
                return false;
            }

            // Every send comes here: between looks (CertificateFileFollower.Interval) this is a field read and a
            // timestamp compare. The thumbprint is the one the state holds: X509Certificate2.Thumbprint formats a new
            // hex string on each read (dotnet/runtime X509Certificate.GetCertHashString; referencesource likewise).
            MtlsState before = System.Threading.Volatile.Read(ref _state);
            string old = before.Thumbprint;
            X509Certificate2 promoted = _follower?.Changed(old, refused, log);
            if (promoted == null || _closed)
            {
                promoted?.Dispose();
                return false;
            }

            try
            {
                RequirePrivateKey(promoted);
            }
            catch (SaleschatException ex)
            {
                log?.Invoke($"'{_follower.CertificatePath}' now holds {promoted.Thumbprint}, but its key cannot be used ({ex.ErrorId}): this session keeps {old}.");
                promoted.Dispose();
                return false;
            }

            // Only if nothing switched meanwhile (Complete-SaleschatCertificateRotation in this process switches to the
            // certificate it returns to its caller, which must stay usable): otherwise this copy is released unused.
            MtlsTransport transport = NewTransport(promoted);
            Own(transport, promoted);
            if (System.Threading.Interlocked.CompareExchange(ref _state, new MtlsState(promoted, transport), before) != before)
            {
                transport.Dispose();
                return false;
            }

            before.Transport.Retire();
            log?.Invoke($"'{_follower.CertificatePath}' now holds {promoted.Thumbprint} (expires {promoted.NotAfter.ToUniversalTime():u}): this session switched to it from {old}{(refused ? " after the server refused the old one" : string.Empty)}; calls already running finish with the old one.");
            return true;
        }

        MtlsTransport ITransportSource.Acquire()
        {
            for (int i = 0; i < MaximumAcquireTries && !_closed; i++)
            {
                MtlsTransport transport = System.Threading.Volatile.Read(ref _state).Transport;
                if (transport.TryAcquire())
                {
                    return transport;
                }

                // Retired between the read and the acquire: a switch happened; take the new current pool.
            }

            throw ClosedError();
        }

        /// <summary>The error every call on a closed session gets (never "Cannot access a disposed object").</summary>
        public SaleschatException ClosedError() =>
            new SaleschatException(ErrorIds.SessionClosed, ErrorKind.InvalidOperation,
                $"This Saleschat session ({BaseUri}, certificate {Thumbprint}) was closed: Remove-Module and Import-Module -Force close the module's default session. Create a new one with New-SaleschatSession.",
                this);

        /// <summary>The same host, org, key and trust with another certificate (to prove a rotation's next one).</summary>
        internal SaleschatSession WithCertificate(X509Certificate2 certificate) => Create(_settings.WithCertificate(certificate));

        internal RetryPolicy RetryPolicy(int? maximumRetryCount = null, int? retryIntervalSec = null) =>
            new RetryPolicy(maximumRetryCount ?? MaximumRetryCount, TimeSpan.FromSeconds(retryIntervalSec ?? RetryIntervalSec));

        public override string ToString() =>
            $"Saleschat {Environment} {BaseUri} org {OrgId ?? "(none)"} certificate {Thumbprint} ({DaysUntilExpiry} days left)";

        /// <summary>Closes the session: its pool is closed at once, and every later call gets <see cref="ErrorIds.SessionClosed"/>.</summary>
        public void Dispose()
        {
            _closed = true;
            _state.Transport.Dispose();
        }

        /// <summary>The certificate goes with the pool: disposed when the pool is, or at process exit if still open.</summary>
        private static void Own(MtlsTransport transport, X509Certificate2 certificate)
        {
            transport.ReleaseCertificateWhenDisposed(certificate);
            OwnedCertificates.Track(certificate);
        }

        private MtlsTransport NewTransport(X509Certificate2 certificate) =>
            new MtlsTransport(BaseUri, certificate, ServerCertificateAuthority, MaximumConnections, _settings.UserAgent, ProxyRoute);

        /// <summary>
        /// An empty key would send "Authorization: Bearer " and a CR, LF or NUL would end in a raw .NET exception
        /// (or split the header): refused here, naming the problem but never the key.
        /// </summary>
        private static void RequireUsableApiKey(SecureString apiKey)
        {
            if (apiKey == null)
            {
                return;
            }

            string problem = SecretText.Use(apiKey, chars =>
            {
                if (chars.Length == 0 || Array.TrueForAll(chars, char.IsWhiteSpace))
                {
                    return "is empty";
                }

                string unsafeValue = FirstControl(chars);
                return unsafeValue == null ? null : "contains " + unsafeValue;
            });
            if (problem != null)
            {
                throw new SaleschatException(ErrorIds.InvalidApiKey, ErrorKind.InvalidArgument,
                    $"The API key {problem}. Pass the key Saleschat issued (-ApiKey as a SecureString, or SALESCHAT_API_KEY), with no line breaks or control characters.",
                    "ApiKey");
            }
        }

        private static string FirstControl(char[] chars)
        {
            foreach (char c in chars)
            {
                if (c == '\r')
                {
                    return "a carriage return (CR)";
                }

                if (c == '\n')
                {
                    return "a line feed (LF)";
                }

                if (c == '\0')
                {
                    return "a NUL character";
                }

                if (c < 0x20 || c == 0x7F)
                {
                    return "a control character";
                }
            }

            return null;
        }

        private static string BearerValue(SecureString apiKey) =>
            apiKey == null ? null : SecretText.Use(apiKey, chars =>
            {
                const string Scheme = "Bearer ";
                var value = new char[Scheme.Length + chars.Length];
                Scheme.CopyTo(0, value, 0, Scheme.Length);
                Array.Copy(chars, 0, value, Scheme.Length, chars.Length);
                try
                {
                    return new string(value);
                }
                finally
                {
                    Array.Clear(value, 0, value.Length);
                }
            });

        private static void RequirePrivateKey(X509Certificate2 certificate)
        {
            if (!certificate.HasPrivateKey)
            {
                throw new SaleschatException(ErrorIds.CertificateHasNoPrivateKey, ErrorKind.InvalidArgument,
                    $"The certificate '{certificate.Subject}' ({certificate.Thumbprint}) has no private key, so it cannot authenticate a TLS client. " + Messages.LoadWithKey, certificate);
            }

            ClientKeyCheck.RequireUsable(certificate);
        }

        /// <summary>A certificate and its pool, swapped as one so no call sees a mix of the two.</summary>
        private sealed class MtlsState
        {
            public MtlsState(X509Certificate2 certificate, MtlsTransport transport)
            {
                Certificate = certificate;
                Transport = transport;
                Thumbprint = certificate.Thumbprint;
                Subject = certificate.Subject;
                NotAfter = certificate.NotAfter;
            }

            public string Thumbprint { get; }

            public string Subject { get; }

            public DateTime NotAfter { get; }

            public X509Certificate2 Certificate { get; }

            public MtlsTransport Transport { get; }
        }
    }
}
