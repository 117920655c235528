using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Where a client certificate came from, as far as its renewal is concerned: made by this module (or anyone) as a
    /// self-signed certificate, or issued by a CA. The rule: a certificate is self-signed when its issuer is its own
    /// subject and it was signed by its own key: its signature verifies with its own public key (RFC 5280 section 6.1);
    /// only where that cannot be told here (not RSA PKCS#1 v1.5), the authority key identifier is its subject key
    /// identifier where both are present (RFC 4158 section 3.5.12). Anything else is CA-issued. A certificate named
    /// after itself but signed by another key (a CA that issues under the leaf's own name) is CA-issued: a self-signed
    /// successor would not chain to that CA. The signature comes first because the identifiers are labels: a
    /// self-signed certificate made from a template may carry another key's authority key identifier.
    /// </summary>
    public static class CertificateOrigin
    {
        /// <summary>Whether its successor must come from the CA (through a CSR) rather than be made self-signed here.</summary>
        public static bool IsCaIssued(X509Certificate2 certificate)
        {
            if (!ChainAssembler.IssuerIsSubject(certificate))
            {
                return true;
            }

            bool? ownSignature = ChainAssembler.SignatureVerifies(certificate, certificate);
            return ownSignature.HasValue ? !ownSignature.Value : !ChainAssembler.IsSelfSigned(certificate);
        }
    }
}
