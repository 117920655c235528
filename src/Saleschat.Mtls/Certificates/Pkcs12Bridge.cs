using System.IO;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Joins a certificate and its private key into an <see cref="X509Certificate2"/> through PKCS#12,
    /// and writes password-protected PFX files.
    /// </summary>
    /// <remarks>
    /// Why PKCS#12 and not CopyWithPrivateKey: netstandard2.0 lacks CopyWithPrivateKey, and on Windows a
    /// key attached that way is ephemeral, which SChannel refuses for client TLS ("No credentials are
    /// available in the security package"). A PKCS#12 import gives SChannel a real key container.
    /// No PersistKeySet/MachineKeySet: those leave key files in the profile forever; the default
    /// (user key set, not persisted) removes the container when the certificate is released.
    /// </remarks>
    public static class Pkcs12Bridge
    {
        private const string Alias = "saleschat-mtls-client";

        public static X509Certificate2 ToX509Certificate2(BcCertificate certificate, AsymmetricKeyParameter privateKey)
        {
            // 3DES is what every Windows version and OpenSSL 3 both import; this PFX never leaves memory.
            var builder = new Pkcs12StoreBuilder()
                .SetKeyAlgorithm(PkcsObjectIdentifiers.PbeWithShaAnd3KeyTripleDesCbc)
                .SetCertAlgorithm(PkcsObjectIdentifiers.PbeWithShaAnd3KeyTripleDesCbc);
            string transportPassword = System.Guid.NewGuid().ToString("N");
            byte[] pfx = Save(builder, certificate, privateKey, transportPassword.ToCharArray());
            return new X509Certificate2(pfx, transportPassword, X509KeyStorageFlags.Exportable);
        }

        /// <summary>
        /// A PFX for people: AES-256 (PBES2, PBKDF2-HMAC-SHA256) by default; with
        /// <paramref name="legacyEncryption"/> 3DES-SHA1, which Windows Server 2016 and older can import.
        /// BouncyCastle's own default (RC2-40 for certificates) cannot be read by OpenSSL 3, so both are explicit.
        /// </summary>
        public static byte[] ToPfx(BcCertificate certificate, AsymmetricKeyParameter privateKey, char[] password, bool legacyEncryption)
        {
            var builder = new Pkcs12StoreBuilder();
            if (legacyEncryption)
            {
                builder.SetKeyAlgorithm(PkcsObjectIdentifiers.PbeWithShaAnd3KeyTripleDesCbc)
                       .SetCertAlgorithm(PkcsObjectIdentifiers.PbeWithShaAnd3KeyTripleDesCbc);
            }
            else
            {
                builder.SetKeyAlgorithm(NistObjectIdentifiers.IdAes256Cbc, PkcsObjectIdentifiers.IdHmacWithSha256)
                       .SetCertAlgorithm(NistObjectIdentifiers.IdAes256Cbc, PkcsObjectIdentifiers.IdHmacWithSha256);
            }

            return Save(builder, certificate, privateKey, password);
        }

        private static byte[] Save(Pkcs12StoreBuilder builder, BcCertificate certificate, AsymmetricKeyParameter privateKey, char[] password)
        {
            Pkcs12Store store = builder.Build();
            store.SetKeyEntry(Alias, new AsymmetricKeyEntry(privateKey), new[] { new X509CertificateEntry(certificate) });
            using (var stream = new MemoryStream())
            {
                store.Save(stream, password, new SecureRandom());
                return stream.ToArray();
            }
        }
    }
}
