using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;
using Saleschat.Mtls.Keys;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>Makes a client key's CSR and, when asked, writes its PEM (public, 0644, atomic, no overwrite without -Force, and with it only of an earlier request).</summary>
    public static class CertificateRequestFactory
    {
        public static CertificateSigningRequest Create(RsaPrivateCrtKeyParameters key, CertificateSubject subject, string path, bool overwrite)
        {
            Pkcs10CertificationRequest request = CertificateRequestBuilder.Build(key, subject);
            string pem = CertificateRequestBuilder.ToPem(request);
            if (path != null)
            {
                if (overwrite)
                {
                    ReplaceRule.ThrowUnlessRequest(path);
                }

                new AtomicFileWriter().Write(path, Encoding.ASCII.GetBytes(pem), ownerOnly: false, overwrite: overwrite, existsErrorId: ErrorIds.CertificateFileExists);
            }

            return new CertificateSigningRequest(path, subject.ToString(), key.Modulus.BitLength,
                RsaKeyConverter.PublicKeySha256(RsaKeyConverter.PublicOf(key)), pem);
        }
    }
}
