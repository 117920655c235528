using System;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Http
{
    /// <summary>
    /// Trusts the OS roots and, optionally, one extra CA for private test hosts (null: none). Always installed, so
    /// no process-wide callback (ServicePointManager on .NET Framework) ever decides for the module. There is deliberately no
    /// way to accept any certificate: an unknown root is always refused.
    /// </summary>
    /// <remarks>
    /// netstandard2.0 has no X509ChainTrustMode.CustomRootTrust, so the extra CA is checked here: build
    /// the chain with the CA in the extra store, then require that the chain ends at exactly that CA.
    /// </remarks>
    public sealed class ServerCertificateValidator
    {
        private readonly X509Certificate2 _extraAuthority;

        public ServerCertificateValidator(X509Certificate2 extraAuthority)
        {
            _extraAuthority = extraAuthority;
        }

        /// <summary>
        /// Whether the last certificate refused here was refused for its name. HttpClient reports any refusal by this
        /// callback as "rejected by the provided RemoteCertificateValidationCallback", without the reason.
        /// </summary>
        public bool LastRefusalWasNameMismatch { get; private set; }

        public bool Validate(HttpRequestMessage request, X509Certificate2 certificate, X509Chain chain, SslPolicyErrors errors)
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            LastRefusalWasNameMismatch = (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0;

            // No extra CA: exactly the platform's verdict.
            if (_extraAuthority == null)
            {
                return false;
            }

            // A name mismatch or a missing certificate is never excused by a trusted CA.
            if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate == null)
            {
                return false;
            }

            using (var custom = new X509Chain())
            {
                custom.ChainPolicy.ExtraStore.Add(_extraAuthority);
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                custom.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
                if (!custom.Build(certificate))
                {
                    return false;
                }

                X509ChainElement root = custom.ChainElements[custom.ChainElements.Count - 1];
                return string.Equals(root.Certificate.Thumbprint, _extraAuthority.Thumbprint, StringComparison.OrdinalIgnoreCase)
                    && OnlyUntrustedRoot(custom);
            }
        }

        /// <summary>The only excused problem is that our CA is not in the OS store; expiry etc. still fail.</summary>
        private static bool OnlyUntrustedRoot(X509Chain chain)
        {
            foreach (X509ChainElement element in chain.ChainElements)
            {
                foreach (X509ChainStatus status in element.ChainElementStatus)
                {
                    if (status.Status != X509ChainStatusFlags.NoError && status.Status != X509ChainStatusFlags.UntrustedRoot)
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }
}
