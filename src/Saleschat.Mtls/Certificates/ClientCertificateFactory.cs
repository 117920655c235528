using System;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>Makes the self-signed client certificate and, when asked, writes its public PEM.</summary>
    public static class ClientCertificateFactory
    {
        /// <returns>The certificate holding its private key, usable as a TLS client certificate.</returns>
        public static X509Certificate2 Create(RsaPrivateCrtKeyParameters key, CertificateSubject subject, int validityDays, string certificatePath, bool overwrite)
        {
            BcCertificate certificate = ClientCertificateBuilder.Build(key, subject, validityDays, DateTime.UtcNow);
            if (certificatePath != null)
            {
                WritePublicPem(certificate.GetEncoded(), certificatePath, overwrite);
            }

            return Pkcs12Bridge.ToX509Certificate2(certificate, key);
        }

        public static void WritePublicPem(byte[] der, string path, bool overwrite)
        {
            byte[] pem = Encoding.ASCII.GetBytes(CertificatePem.Encode(der));
            new AtomicFileWriter().Write(path, pem, ownerOnly: false, overwrite: overwrite, existsErrorId: ErrorIds.CertificateFileExists);
        }
    }
}
