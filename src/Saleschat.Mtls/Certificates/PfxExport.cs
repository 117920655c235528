using System;
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
        /// <param name="includeChain">Also write the CA certificates read with the certificate (ClientChains).</param>
        public static void Write(X509Certificate2 certificate, string path, SecureString password, bool legacyEncryption, bool overwrite, bool includeChain = false)
        {
            if (password == null || password.Length == 0)
            {
                throw new SaleschatException(ErrorIds.PfxPasswordRequired, ErrorKind.InvalidArgument,
                    "A PFX holds the private key: give it a password with -KeyPassword.", path);
            }

            RsaPrivateCrtKeyParameters key = PrivateKeyOf(certificate);
            var bcCertificate = new X509CertificateParser().ReadCertificate(certificate.RawData);
            var parser = new X509CertificateParser();
            Org.BouncyCastle.X509.X509Certificate[] chain = includeChain
                ? Array.ConvertAll(ClientChains.Of(certificate), issuer => parser.ReadCertificate(issuer.RawData))
                : null;
            byte[] pfx = SecretText.Use(password, chars => Pkcs12Bridge.ToPfx(bcCertificate, key, chars, legacyEncryption, chain));
            new AtomicFileWriter().Write(path, pfx, ownerOnly: true, overwrite: overwrite, existsErrorId: ErrorIds.OutputFileExists);
        }

        internal static RsaPrivateCrtKeyParameters PrivateKeyOf(X509Certificate2 certificate, Func<RSA, RSAParameters> exportParameters = null, Func<string, byte[]> exportPkcs12 = null)
        {
            if (!certificate.HasPrivateKey)
            {
                throw new SaleschatException(ErrorIds.CertificateHasNoPrivateKey, ErrorKind.InvalidArgument,
                    $"The certificate '{certificate.Subject}' has no private key. " + Messages.LoadWithKey, certificate);
            }

            exportParameters = exportParameters ?? (rsa => rsa.ExportParameters(includePrivateParameters: true));
            try
            {
                using (RSA rsa = certificate.GetRSAPrivateKey())
                {
                    return RsaKeyConverter.ToBouncyCastle(exportParameters(rsa));
                }
            }
            catch (CryptographicException plaintextRefused)
            {
                // Windows imports a PKCS#12 key into CNG as AllowExport but not AllowPlaintextExport: ExportParameters then
                // fails ("The requested operation is not supported") although the key is exportable. .NET 9 works around
                // it inside ExportParameters (dotnet/runtime#109119, fixing #109059); .NET Framework (5.1) and .NET 8
                // (PowerShell 7.4) do not. An encrypted export is still allowed (dotnet/runtime#77590): export a PKCS#12
                // with a one-time password and read the key back from it with BouncyCastle.
                RsaPrivateCrtKeyParameters key = ThroughEncryptedPkcs12(exportPkcs12 ?? (password => certificate.Export(X509ContentType.Pkcs12, password)));
                if (key != null)
                {
                    return key;
                }

                throw new SaleschatException(ErrorIds.KeyNotExportable, ErrorKind.PermissionDenied,
                    $"The private key of '{certificate.Subject}' cannot be exported: the store holds it as non-exportable ({Secrets.PlatformMessage.Of(plaintextRefused)}). Export the PFX from where the key was made.", certificate, plaintextRefused);
            }
        }

        private static RsaPrivateCrtKeyParameters ThroughEncryptedPkcs12(Func<string, byte[]> exportPkcs12)
        {
            string oneTime = Guid.NewGuid().ToString("N");
            try
            {
                byte[] pfx = exportPkcs12(oneTime);
                return Pkcs12Bridge.Read(pfx, oneTime.ToCharArray())?.Key;
            }
            catch (Exception ex) when (ex is CryptographicException || ex is System.IO.IOException || ex is PlatformNotSupportedException)
            {
                return null;
            }
        }
    }
}
