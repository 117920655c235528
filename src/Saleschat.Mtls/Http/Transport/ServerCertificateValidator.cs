using System;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Http.Transport
{
    /// <summary>
    /// Trusts the OS roots and, optionally, one extra CA for private test hosts (null: none). Always installed, so
    /// no process-wide callback (ServicePointManager on .NET Framework) ever decides for the module. There is deliberately no
    /// way to accept any certificate: an unknown root is always refused.
    /// </summary>
    /// <remarks>
    /// netstandard2.0 has no X509ChainTrustMode.CustomRootTrust, so the extra CA is checked here: build
    /// the chain with the CA in the extra store, then require that the chain ends at exactly that CA.
    /// The server's certificate must also be meant for a TLS server: an extended key usage that lists
    /// serverAuth, or none at all, as OpenSSL's and curl's "SSL server" purpose check accepts (OpenSSL
    /// crypto/x509/v3_purp.c, check_purpose_ssl_server). A clientAuth-only certificate from the same CA
    /// was accepted before, because the custom chain had no application policy.
    /// </remarks>
    public sealed class ServerCertificateValidator
    {
        /// <summary>id-kp-serverAuth (RFC 5280 section 4.2.1.12).</summary>
        public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

        private readonly X509Certificate2 _extraAuthority;

        /// <param name="extraAuthority">The one extra CA to trust, or null to trust only the OS roots.</param>
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
            LastRefusalWasNameMismatch = (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0;
            if (certificate == null || !IsForServerAuth(certificate))
            {
                return false;
            }

            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            // A name mismatch or a missing certificate is never excused by a trusted CA; without one, nothing is.
            if (errors != SslPolicyErrors.RemoteCertificateChainErrors || _extraAuthority == null)
            {
                return false;
            }

            using (var custom = new X509Chain())
            {
                custom.ChainPolicy.ExtraStore.Add(_extraAuthority);
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                custom.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
                // Every certificate in the chain must allow serverAuth (an intermediate's EKU constrains its leaves).
                custom.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthOid));
                if (!custom.Build(certificate))
                {
                    return false;
                }

                X509ChainElement root = custom.ChainElements[custom.ChainElements.Count - 1];
                return string.Equals(root.Certificate.Thumbprint, _extraAuthority.Thumbprint, StringComparison.OrdinalIgnoreCase)
                    && OnlyUntrustedRoot(custom);
            }
        }

        /// <summary>No extended key usage at all (any use), or one that lists serverAuth.</summary>
        public static bool IsForServerAuth(X509Certificate2 certificate)
        {
            foreach (X509Extension extension in certificate.Extensions)
            {
                if (extension.Oid?.Value == "2.5.29.37")
                {
                    var usage = extension as X509EnhancedKeyUsageExtension ?? new X509EnhancedKeyUsageExtension(extension, extension.Critical);
                    foreach (Oid oid in usage.EnhancedKeyUsages)
                    {
                        if (oid.Value == ServerAuthOid)
                        {
                            return true;
                        }
                    }

                    return false;
                }
            }

            return true;
        }

        /// <summary>The only excused problem is that our CA is not in the OS store; expiry, usage etc. still fail.</summary>
        private static bool OnlyUntrustedRoot(X509Chain chain)
        {
            foreach (X509ChainStatus status in chain.ChainStatus)
            {
                if (status.Status != X509ChainStatusFlags.NoError && status.Status != X509ChainStatusFlags.UntrustedRoot)
                {
                    return false;
                }
            }

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
