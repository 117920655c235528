using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Where a client certificate came from, as far as its renewal is concerned: made by this module (or anyone) as a
    /// self-signed certificate, or issued by a CA. The rule: a certificate is self-signed when its issuer is its own
    /// subject and it was signed by its own key (the authority key identifier is its subject key identifier where both
    /// are present, else its signature verifies with its own public key: RFC 5280 section 6.1, RFC 4158 section
    /// 3.5.12); anything else is CA-issued. A certificate named after itself but signed by another key (a CA that
    /// issues under the leaf's own name) is CA-issued: a self-signed successor would not chain to that CA.
    /// </summary>
    public static class CertificateOrigin
    {
        /// <summary>Whether its successor must come from the CA (through a CSR) rather than be made self-signed here.</summary>
        public static bool IsCaIssued(X509Certificate2 certificate) => !ChainAssembler.IsSelfSigned(certificate);
    }
}
