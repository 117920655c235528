using System.Security.Cryptography.X509Certificates;
using System.Security;
using System;
using Saleschat.Mtls.Http.Transport;

namespace Saleschat.Mtls.Sessions
{
    /// <summary>Everything a session is made from; validated by <see cref="SaleschatSession"/>'s factory.</summary>
    public sealed class SessionSettings
    {
        public SaleschatEnvironment Environment { get; set; } = SaleschatEnvironment.Production;

        public Uri BaseUri { get; set; }

        public string OrgId { get; set; }

        public SecureString ApiKey { get; set; }

        public X509Certificate2 Certificate { get; set; }

        public X509Certificate2 ServerCertificateAuthority { get; set; }

        public int TimeoutSec { get; set; } = 100;

        public int MaximumRetryCount { get; set; } = 3;

        public int RetryIntervalSec { get; set; } = 1;

        public int ExpiryWarningDays { get; set; } = 30;

        /// <summary>
        /// The pool's limit per host. Over HTTP/1.1 it bounds the connections -ThrottleLimit can open (the
        /// pool may otherwise open one more while a finished request hands its connection back); over
        /// HTTP/2 every request shares one connection anyway.
        /// </summary>
        public int MaximumConnections { get; set; } = 8;

        /// <summary>
        /// The User-Agent every request carries (<c>Saleschat.Mtls/&lt;version&gt; PowerShell/&lt;version&gt;</c>), so
        /// Saleschat's logs can tell the module's calls apart; see <see cref="Http.Transport.UserAgent"/>.
        /// </summary>
        public string UserAgent { get; set; } = Http.Transport.UserAgent.For(null);

        /// <summary>The same settings with another certificate (a copy; this instance is left as it is).</summary>
        internal SessionSettings WithCertificate(X509Certificate2 certificate)
        {
            var copy = (SessionSettings)MemberwiseClone();
            copy.Certificate = certificate;
            return copy;
        }
    }
}
