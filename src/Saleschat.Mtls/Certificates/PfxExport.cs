using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.X509;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;
using Saleschat.Mtls.Keys;
using Saleschat.Mtls.Secrets;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>Writes a certificate and its private key as a password-protected PFX, owner-only.</summary>
    public static class PfxExport
    {
        public static void Write(X509Certificate2 certificate, string path, SecureString password, bool legacyEncryption, bool overwrite)
        {
            if (password == null || password.Length == 0)
            {
                throw new SaleschatException(ErrorIds.PfxPasswordRequired, ErrorKind.InvalidArgument,
                    "A PFX holds the private key: give it a password with -KeyPassword.", path);
            }

            RsaPrivateCrtKeyParameters key = PrivateKeyOf(certificate);
            var bcCertificate = new X509CertificateParser().ReadCertificate(certificate.RawData);
            byte[] pfx = SecretText.Use(password, chars => Pkcs12Bridge.ToPfx(bcCertificate, key, chars, legacyEncryption));
            new AtomicFileWriter().Write(path, pfx, ownerOnly: true, overwrite: overwrite, existsErrorId: ErrorIds.OutputFileExists);
        }

        private static RsaPrivateCrtKeyParameters PrivateKeyOf(X509Certificate2 certificate)
        {
            if (!certificate.HasPrivateKey)
            {
                throw new SaleschatException(ErrorIds.CertificateHasNoPrivateKey, ErrorKind.InvalidArgument,
                    $"The certificate '{certificate.Subject}' has no private key. Load it with its key (Get-SaleschatClientCertificate -KeyPath).", certificate);
            }

            try
            {
                using (RSA rsa = certificate.GetRSAPrivateKey())
                {
                    return RsaKeyConverter.ToBouncyCastle(rsa.ExportParameters(includePrivateParameters: true));
                }
            }
            catch (CryptographicException ex)
            {
                throw new SaleschatException(ErrorIds.KeyNotExportable, ErrorKind.PermissionDenied,
                    $"The private key of '{certificate.Subject}' cannot be exported (a store key marked non-exportable). Export the PFX from where the key was made.", certificate, ex);
            }
        }
    }
}
