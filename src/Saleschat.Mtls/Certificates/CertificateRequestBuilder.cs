using System.Collections.Generic;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Keys;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Builds the PKCS#10 certificate signing request (RFC 2986) an enterprise CA signs: the subject, the public key,
    /// a SHA-256 signature by the private key (proof of possession), and an extension request (RFC 2985 section 5.4.2)
    /// for the same client-auth profile the self-signed certificate carries. A CA decides what it copies from it
    /// (`openssl x509 -req -copy_extensions copy`, `openssl ca` with copy_extensions, AD CS templates).
    /// </summary>
    public static class CertificateRequestBuilder
    {
        public static Pkcs10CertificationRequest Build(RsaPrivateCrtKeyParameters key, CertificateSubject subject)
        {
            ClientCertificateBuilder.RequireKeySize(key);

            RsaKeyParameters publicKey = RsaKeyConverter.PublicOf(key);
            var extensions = new X509ExtensionsGenerator();
            ClientCertificateBuilder.AddClientAuthProfile(extensions.AddExtension);

            var extensionRequest = new AttributePkcs(PkcsObjectIdentifiers.Pkcs9AtExtensionRequest, new DerSet(extensions.Generate()));
            return new Pkcs10CertificationRequest(
                new Asn1SignatureFactory("SHA256WITHRSA", key), subject.ToX509Name(), publicKey, new DerSet(extensionRequest));
        }

        /// <summary>PEM as OpenSSL writes it (`-----BEGIN CERTIFICATE REQUEST-----`, 64-character lines, LF).</summary>
        public static string ToPem(Pkcs10CertificationRequest request)
        {
            string base64 = System.Convert.ToBase64String(request.GetEncoded());
            var lines = new List<string> { "-----BEGIN CERTIFICATE REQUEST-----" };
            for (int i = 0; i < base64.Length; i += 64)
            {
                lines.Add(base64.Substring(i, System.Math.Min(64, base64.Length - i)));
            }

            lines.Add("-----END CERTIFICATE REQUEST-----");
            return string.Join("\n", lines) + "\n";
        }
    }
}
