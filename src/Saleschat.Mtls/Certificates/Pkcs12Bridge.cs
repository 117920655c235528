using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Joins a certificate and its private key into an <see cref="X509Certificate2"/> through PKCS#12,
    /// writes password-protected PFX files, and reads PFX files the platform cannot.
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
        /// <summary>szOID_PKCS_12_KEY_PROVIDER_NAME_ATTR ("Microsoft CSP Name"), a BMPString bag attribute.</summary>
        public const string ProviderNameOid = "1.3.6.1.4.1.311.17.1";

        /// <summary>The CNG software key storage provider (MS_KEY_STORAGE_PROVIDER in ncrypt.h).</summary>
        public const string SoftwareKeyStorageProvider = "Microsoft Software Key Storage Provider";

        private const string AliasPrefix = "saleschat-mtls-";

        public static X509Certificate2 ToX509Certificate2(BcCertificate certificate, AsymmetricKeyParameter privateKey)
        {
            // 3DES is what every Windows version and OpenSSL 3 both import; this PFX never leaves memory.
            var builder = new Pkcs12StoreBuilder()
                .SetKeyAlgorithm(PkcsObjectIdentifiers.PbeWithShaAnd3KeyTripleDesCbc)
                .SetCertAlgorithm(PkcsObjectIdentifiers.PbeWithShaAnd3KeyTripleDesCbc);
            string transportPassword = Guid.NewGuid().ToString("N");
            byte[] pfx = Save(builder, certificate, privateKey, transportPassword.ToCharArray());
            return Import(pfx, transportPassword, X509KeyStorageFlags.Exportable);
        }

        /// <summary>
        /// Imports a PFX, naming the failure when Windows has no key store for this account: no loaded user profile
        /// (S4U scheduled tasks, some service accounts: dotnet/dotnet-docker#1048) or a remoting session without
        /// one (dotnet/corefx#14745). Other CryptographicExceptions are the caller's to read (a wrong password).
        /// </summary>
        internal static X509Certificate2 Import(byte[] pfx, string password, X509KeyStorageFlags flags)
        {
            try
            {
                return new X509Certificate2(pfx, password, flags);
            }
            catch (CryptographicException ex) when (KeyStoreFailure.IsKeyStoreUnavailable(ex))
            {
                throw KeyStoreFailure.Error(ex);
            }
        }

        /// <summary>
        /// A PFX for people: AES-256 (PBES2, PBKDF2-HMAC-SHA256) by default; with
        /// <paramref name="legacyEncryption"/> 3DES-SHA1, which Windows Server 2016 and older can import.
        /// BouncyCastle's own default (RC2-40 for certificates) cannot be read by OpenSSL 3, so both are explicit.
        /// </summary>
        /// <param name="chain">The CA certificates to carry beside the key's certificate (leaf's issuer first), or null.</param>
        public static byte[] ToPfx(BcCertificate certificate, AsymmetricKeyParameter privateKey, char[] password, bool legacyEncryption, BcCertificate[] chain = null)
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

            return Save(builder, certificate, privateKey, password, chain);
        }

        /// <summary>
        /// Reads the first certificate-with-key of a PFX with BouncyCastle: for PFX files the platform cannot open
        /// (AES/PBES2 PFX files need Windows 10 1709 / Server 2019 or later) and for keys whose plaintext export the
        /// platform refuses. Null when the PFX holds no key. Throws IOException for a wrong password or damage.
        /// </summary>
        public static (BcCertificate Certificate, RsaPrivateCrtKeyParameters Key)? Read(byte[] pfx, char[] password)
        {
            Pkcs12Store store = new Pkcs12StoreBuilder().Build();
            using (var stream = new MemoryStream(pfx, writable: false))
            {
                store.Load(stream, password);
            }

            foreach (string alias in store.Aliases)
            {
                if (store.IsKeyEntry(alias) && store.GetKey(alias).Key is RsaPrivateCrtKeyParameters key)
                {
                    X509CertificateEntry entry = store.GetCertificate(alias);
                    if (entry != null)
                    {
                        return (entry.Certificate, key);
                    }
                }
            }

            return null;
        }

        private static byte[] Save(Pkcs12StoreBuilder builder, BcCertificate certificate, AsymmetricKeyParameter privateKey, char[] password, BcCertificate[] chain = null)
        {
            // A new alias (BouncyCastle writes it as the bags' friendlyName) for every build: Windows may derive the
            // key container from the PFX's friendlyName, so one fixed name let parallel imports share a container that
            // the first Dispose deleted ("The credentials supplied to the package were not recognized": dotnet/corefx#8408,
            // dotnet/runtime#23221; the friendlyName link is the analysis in zeroc-ice/ice#5973, not a documented rule).
            string alias = AliasPrefix + Guid.NewGuid().ToString("N");

            // Name the CNG software KSP for the key: without an opinion in the PFX, .NET Framework and .NET before 9
            // put the key in a legacy CAPI CSP (dotnet/runtime#110067), and SChannel cannot use a CAPI key for TLS 1.3
            // (dotnet/runtime#58927, "The Local Security Authority cannot be contacted"). Ignored off Windows.
            var attributes = new Dictionary<DerObjectIdentifier, Asn1Encodable>
            {
                [new DerObjectIdentifier(ProviderNameOid)] = new DerBmpString(SoftwareKeyStorageProvider),
            };

            Pkcs12Store store = builder.Build();
            var entries = new List<X509CertificateEntry> { new X509CertificateEntry(certificate) };
            foreach (BcCertificate issuer in chain ?? new BcCertificate[0])
            {
                entries.Add(new X509CertificateEntry(issuer));
            }

            store.SetKeyEntry(alias, new AsymmetricKeyEntry(privateKey, attributes), entries.ToArray());
            using (var stream = new MemoryStream())
            {
                store.Save(stream, password, new SecureRandom());
                return stream.ToArray();
            }
        }
    }
}
