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

            return CertificateKeyJoin.Join(certificate, key);
        }

        /// <param name="der">The certificate.</param>
        /// <param name="path">The file to write.</param>
        /// <param name="overwrite">-Force: replace an existing certificate (never a key file).</param>
        /// <param name="chain">CA certificates to write after it (a full-chain PEM), or null.</param>
        public static void WritePublicPem(byte[] der, string path, bool overwrite, X509Certificate2[] chain = null)
        {
            if (overwrite)
            {
                ThrowIfPrivateKeyFile(path);
            }

            var text = new StringBuilder(CertificatePem.Encode(der));
            foreach (X509Certificate2 issuer in chain ?? new X509Certificate2[0])
            {
                text.Append(CertificatePem.Encode(issuer.RawData));
            }

            byte[] pem = Encoding.ASCII.GetBytes(text.ToString());
            new AtomicFileWriter().Write(path, pem, ownerOnly: false, overwrite: overwrite, existsErrorId: ErrorIds.CertificateFileExists);
        }

        /// <summary>
        /// -Force replaces a certificate, never a private key: `-KeyPath k.key -Path k.key -Force` would
        /// otherwise swap the only copy of the key for its certificate (<see cref="ReplaceRule"/>).
        /// </summary>
        /// <param name="path">The file about to be replaced.</param>
        /// <param name="writing">What would be written there, for the message ("the certificate", "the answer").</param>
        /// <param name="parameter">The parameter that named the path, for the message.</param>
        public static void ThrowIfPrivateKeyFile(string path, string writing = "the certificate", string parameter = "-Path") =>
            ReplaceRule.ThrowIfPrivateKey(path, writing, parameter);
    }
}
