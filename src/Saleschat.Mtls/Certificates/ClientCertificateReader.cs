using System;
using System.Collections.Generic;
using System.IO;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.X509;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;
using Saleschat.Mtls.Keys;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Loads a client certificate, with its private key where one is given, from every place ops teams
    /// keep one: PEM files, PFX files, PEM text (or base64 of it) from CI secrets, and the OS store.
    /// </summary>
    public static class ClientCertificateReader
    {
        /// <param name="certificatePath">A PEM (one certificate or a full chain), DER, PKCS#7 (.p7b) or PFX file.</param>
        /// <param name="keyPath">The PEM key file, or null (a PFX or a PEM bundle holds its key).</param>
        /// <param name="password">The key's or PFX's password.</param>
        /// <param name="vouch">Optional check of each file as opened (rotation: owner and mode), given its path.</param>
        /// <param name="chainPath">A file with the issuing CA certificates (PEM or PKCS#7), or null.</param>
        public static X509Certificate2 FromFiles(string certificatePath, string keyPath, SecureString password, Action<string, FileFacts> vouch = null, string chainPath = null)
        {
            byte[] content = BoundedFileReader.Read(certificatePath, BoundedFileReader.PfxLimit, ErrorIds.CertificateFileNotFound, "certificate",
                vouch == null ? null : (Action<FileFacts>)(facts => vouch(certificatePath, facts)));
            if (content.Length == 0)
            {
                throw InvalidCertificate(certificatePath, "the file is empty");
            }

            List<byte[]> extra = chainPath == null ? null : ReadChainFile(chainPath);
            string text = Encoding.UTF8.GetString(content);
            if (text.IndexOf("-----BEGIN", StringComparison.Ordinal) >= 0)
            {
                string keyPem = keyPath != null ? Encoding.UTF8.GetString(ReadKeyBytes(keyPath, vouch)) : null;
                return FromPemText(text, keyPem, password, certificatePath, (object)keyPath ?? certificatePath, extra);
            }

            X509ContentType type = ContentTypeOf(content);
            if (type == X509ContentType.Pkcs12)
            {
                X509Certificate2 fromPfx = FromPfx(content, password, certificatePath);
                if (keyPath != null)
                {
                    // A PFX brings its own key, so a key file named beside it would otherwise go unread: it must be that
                    // key. A CA's reply to a CSR handed over as a PFX of another pair must not pass for the CSR key's certificate.
                    RequireKey(fromPfx, ReadKeyFile(keyPath, password, vouch), certificatePath);
                }


                // The CA certificates a PFX carries beside its key's certificate (`openssl pkcs12 -export -certfile`, Windows'
                // "include all certificates in the certification path").
                List<byte[]> others = password == null ? CertificateBundle.FromPfx(content, null)
                    : Secrets.SecretText.Use(password, chars => CertificateBundle.FromPfx(content, chars));
                others.AddRange(extra ?? new List<byte[]>());
                return WithChain(fromPfx, new List<byte[]> { fromPfx.RawData }, others, certificatePath);
            }

            // A DER certificate (the same as PEM without the armour) or a DER PKCS#7 (.p7b) of the leaf and its chain.
            List<byte[]> certificates = type == X509ContentType.Cert ? new List<byte[]> { content } : CertificateBundle.FromPkcs7(content);
            if (certificates == null)
            {
                throw InvalidCertificate(certificatePath, "it is neither a PEM, DER or PKCS#7 certificate nor a PFX file");
            }

            (byte[] leaf, X509Certificate2[] issuers) = ChainAssembler.Assemble(certificates, extra, certificatePath);
            RsaPrivateCrtKeyParameters key = keyPath == null ? null : ReadKeyFile(keyPath, password, vouch);
            return Attach(WithKey(leaf, key, certificatePath), issuers);
        }

        /// <summary>The issuing CA certificates of a -ChainPath file: PEM (one or more, or PKCS#7) or DER PKCS#7.</summary>
        public static List<byte[]> ReadChainFile(string chainPath)
        {
            byte[] content = BoundedFileReader.Read(chainPath, BoundedFileReader.PfxLimit, ErrorIds.ChainFileNotFound, "chain");
            string text = Encoding.UTF8.GetString(content);
            List<byte[]> certificates = text.IndexOf("-----BEGIN", StringComparison.Ordinal) >= 0
                ? CertificateBundle.FromPem(text)
                : CertificateBundle.FromPkcs7(content);
            if (certificates == null || certificates.Count == 0)
            {
                throw InvalidCertificate(chainPath, "it holds no CA certificate (give the intermediates as PEM, or as a PKCS#7 .p7b)");
            }

            return certificates;
        }

        /// <summary>PEM text (or base64 of it); the key may be in <paramref name="keyPem"/> or in the same text.</summary>
        public static X509Certificate2 FromPem(string certificatePem, string keyPem, SecureString password)
        {
            string text = CertificatePem.Unwrap(certificatePem);
            string key = keyPem == null ? null : CertificatePem.Unwrap(keyPem);
            return FromPemText(text, key, password, "Pem", "KeyPem", null);
        }

        public static X509Certificate2 FromStore(string thumbprint, StoreLocation location)
        {
            string normalized = NormalizeThumbprint(thumbprint);
            using (var store = new X509Store(StoreName.My, location))
            {
                OpenExisting(store, normalized, location, thumbprint);
                X509Certificate2 found = Find(store.Certificates, normalized);
                if (found == null)
                {
                    throw new SaleschatException(ErrorIds.CertificateNotFoundInStore, ErrorKind.ObjectNotFound,
                        $"No certificate with thumbprint {normalized} is in the {location}\\My store. Check the thumbprint, or import the PFX into that store first.", thumbprint);
                }

                return found;
            }
        }

        /// <summary>
        /// X509FindType.FindByThumbprint compares the SHA-1 thumbprint only, so a SHA-256 one (64 hex digits, as
        /// newer tools and portals show) is matched here by hashing each certificate's DER bytes.
        /// </summary>
        internal static X509Certificate2 Find(X509Certificate2Collection certificates, string normalized)
        {
            if (normalized.Length == 40)
            {
                X509Certificate2Collection found = certificates.Find(X509FindType.FindByThumbprint, normalized, validOnly: false);
                return found.Count == 0 ? null : found[0];
            }

            using (SHA256 sha256 = SHA256.Create())
            {
                foreach (X509Certificate2 certificate in certificates)
                {
                    if (string.Equals(ToHex(sha256.ComputeHash(certificate.RawData)), normalized, StringComparison.Ordinal))
                    {
                        return certificate;
                    }
                }
            }

            return null;
        }

        private static string ToHex(byte[] bytes)
        {
            var text = new StringBuilder(bytes.Length * 2);
            foreach (byte b in bytes)
            {
                text.Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        /// <summary>
        /// A store that does not exist yet (a fresh Linux account has no ~/.dotnet store until something is
        /// added) or cannot exist here (Unix LocalMachine holds only Root and CA) holds no certificate:
        /// that is "not found", not a platform failure.
        /// </summary>
        private static void OpenExisting(X509Store store, string normalized, StoreLocation location, string thumbprint)
        {
            try
            {
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            }
            catch (CryptographicException ex)
            {
                throw new SaleschatException(ErrorIds.CertificateNotFoundInStore, ErrorKind.ObjectNotFound,
                    $"No certificate with thumbprint {normalized} is in the {location}\\My store: the store cannot be opened here ({Secrets.PlatformMessage.Of(ex)}). Import the PFX into that store first, or load the certificate from files.", thumbprint, ex);
            }
        }

        public static RsaPrivateCrtKeyParameters ReadKeyFile(string keyPath, SecureString password, Action<string, FileFacts> vouch = null)
        {
            byte[] content = ReadKeyBytes(keyPath, vouch);
            return PrivateKeyPem.Read(Encoding.UTF8.GetString(content), password, keyPath);
        }

        /// <summary>Thumbprints arrive with spaces, colons or the invisible mark Windows' certificate dialog copies.</summary>
        public static string NormalizeThumbprint(string thumbprint)
        {
            string hex = Regex.Replace(thumbprint ?? string.Empty, "[^0-9A-Fa-f]", string.Empty).ToUpperInvariant();
            if (hex.Length != 40 && hex.Length != 64)
            {
                throw new SaleschatException(ErrorIds.InvalidThumbprint, ErrorKind.InvalidArgument,
                    $"'{thumbprint}' is not a certificate thumbprint: give 40 hexadecimal characters (SHA-1, as Windows shows it) or 64 (SHA-256).", thumbprint);
            }

            return hex;
        }

        private static X509Certificate2 FromPemText(string text, string keyPem, SecureString password, object certificateSource, object keySource, List<byte[]> extra)
        {
            List<byte[]> certificates = CertificateBundle.FromPem(text);
            if (certificates.Count == 0)
            {
                throw InvalidCertificate(certificateSource, CertificatePem.WhyNoCertificate(text));
            }

            // A full-chain PEM (leaf and CA certificates, in any order), with or without a -ChainPath file beside it.
            (byte[] der, X509Certificate2[] issuers) = ChainAssembler.Assemble(certificates, extra, certificateSource);

            // A PEM bundle (certificate and key in one secret) is common in CI.
            if (keyPem == null && text.IndexOf("PRIVATE KEY-----", StringComparison.Ordinal) >= 0)
            {
                keyPem = text;
                keySource = certificateSource;
            }

            if (keyPem != null && !PrivateKeyPem.IsEncrypted(keyPem))
            {
                X509Certificate2 joined = CertificateKeyJoin.TryFromPem(der, keyPem);
                if (joined != null)
                {
                    return Attach(joined, issuers);
                }
            }

            RsaPrivateCrtKeyParameters key = keyPem == null ? null : PrivateKeyPem.Read(keyPem, password, keySource);
            return Attach(WithKey(der, key, certificateSource), issuers);
        }

        /// <summary>A certificate read whole (a PFX) with the CA certificates found beside it put in path order.</summary>
        private static X509Certificate2 WithChain(X509Certificate2 certificate, List<byte[]> leaf, List<byte[]> others, object source)
        {
            (byte[] _, X509Certificate2[] issuers) = ChainAssembler.Assemble(leaf, others, source);
            return Attach(certificate, issuers);
        }

        private static X509Certificate2 Attach(X509Certificate2 certificate, X509Certificate2[] issuers)
        {
            ClientChains.Attach(certificate, issuers);
            return certificate;
        }

        private static X509Certificate2 WithKey(byte[] der, RsaPrivateCrtKeyParameters key, object source)
        {
            X509Certificate2 certificate;
            try
            {
                certificate = new X509Certificate2(der);
            }
            catch (CryptographicException ex)
            {
                throw InvalidCertificate(source, "its certificate data is damaged", ex);
            }

            if (key == null)
            {
                return certificate;
            }

            using (certificate)
            {
                RequireKey(certificate, key, source);
                return CertificateKeyJoin.Join(der, () => new X509CertificateParser().ReadCertificate(der), key);
            }
        }

        /// <summary>Refuses a certificate that <paramref name="key"/> does not belong to; disposes it when refused.</summary>
        private static void RequireKey(X509Certificate2 certificate, RsaPrivateCrtKeyParameters key, object source)
        {
            if (KeyMatch.Matches(certificate, key))
            {
                return;
            }

            // Both public keys are named: a CA's reply made from another key's CSR is the usual cause.
            var refused = new SaleschatException(ErrorIds.CertificateKeyMismatch, ErrorKind.InvalidData,
                $"The private key does not belong to the certificate '{certificate.Subject}' ({certificate.Thumbprint}): the certificate's public key is SHA256:{PublicKeySha256Of(certificate.RawData)}, the key's is SHA256:{RsaKeyConverter.PublicKeySha256(RsaKeyConverter.PublicOf(key))}. Pass the key the certificate (or the CSR it was issued from) was made from.", source);
            certificate.Dispose();
            throw refused;
        }

        private static string PublicKeySha256Of(byte[] der)
        {
            var publicKey = new X509CertificateParser().ReadCertificate(der).GetPublicKey() as RsaKeyParameters;
            return publicKey == null ? "(not RSA)" : RsaKeyConverter.PublicKeySha256(publicKey);
        }

        private static X509Certificate2 FromPfx(byte[] content, SecureString password, string path)
        {
            try
            {
                return new X509Certificate2(content, password, X509KeyStorageFlags.Exportable);
            }
            catch (CryptographicException ex) when (KeyStoreFailure.IsKeyStoreUnavailable(ex))
            {
                throw KeyStoreFailure.Error(ex);
            }
            catch (CryptographicException ex)
            {
                // The platform may be unable to read a good PFX: AES/PBES2 PFX files (OpenSSL 3's default, our own
                // default export) need Windows 10 1709 / Server 2019 or later. BouncyCastle reads them anywhere, and
                // the pair then goes through our own 3DES PKCS#12, which every Windows imports.
                X509Certificate2 read = password == null ? null : FromPfxWithBouncyCastle(content, password, path);
                if (read != null)
                {
                    return read;
                }

                throw password == null
                    ? new SaleschatException(ErrorIds.PfxPasswordRequired, ErrorKind.InvalidArgument,
                        $"The PFX file '{path}' is password-protected. Pass its password with -KeyPassword.", path, ex)
                    : new SaleschatException(ErrorIds.WrongKeyPassword, ErrorKind.AuthenticationError,
                        $"The password does not open the PFX file '{path}', or the file is damaged. Check -KeyPassword.", path, ex);
            }
        }

        /// <summary>The PFX through BouncyCastle, or null when it cannot read it either (a wrong password, damage).</summary>
        internal static X509Certificate2 FromPfxWithBouncyCastle(byte[] content, SecureString password, string path)
        {
            (Org.BouncyCastle.X509.X509Certificate Certificate, RsaPrivateCrtKeyParameters Key)? pair;
            try
            {
                pair = Secrets.SecretText.Use(password, chars => Pkcs12Bridge.Read(content, chars));
            }
            catch (Exception ex) when (ex is IOException || ex is ArgumentException || ex is InvalidOperationException
                || ex is Org.BouncyCastle.Security.SecurityUtilityException || ex is Org.BouncyCastle.Crypto.CryptoException)
            {
                return null;
            }

            return pair == null ? null : CertificateKeyJoin.Join(pair.Value.Certificate, pair.Value.Key);
        }

        private static X509ContentType ContentTypeOf(byte[] content)
        {
            try
            {
                return X509Certificate2.GetCertContentType(content);
            }
            catch (CryptographicException)
            {
                return X509ContentType.Unknown;
            }
        }

        private static byte[] ReadKeyBytes(string keyPath, Action<string, FileFacts> vouch) =>
            BoundedFileReader.Read(keyPath, BoundedFileReader.PemLimit, ErrorIds.KeyFileNotFound, "key",
                vouch == null ? null : (Action<FileFacts>)(facts => vouch(keyPath, facts)));

        private static SaleschatException InvalidCertificate(object source, string why, Exception inner = null) =>
            new SaleschatException(ErrorIds.InvalidCertificatePem, ErrorKind.InvalidData,
                $"Cannot read the certificate {(source is string s && s != "Pem" ? "'" + s + "'" : "text")}: {why}.", source, inner);
    }
}
