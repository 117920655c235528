using System;
using System.IO;
using System.Security;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using PemObject = Org.BouncyCastle.Utilities.IO.Pem.PemObject;
using PemGenerationException = Org.BouncyCastle.Utilities.IO.Pem.PemGenerationException;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Secrets;

namespace Saleschat.Mtls.Keys
{
    /// <summary>
    /// Private keys as PEM text. Writes PKCS#8 (what OpenSSL 3 writes); reads everything OpenSSL
    /// writes: PKCS#1 (RSA PRIVATE KEY), PKCS#8, encrypted PKCS#8 and the legacy Proc-Type PEM.
    /// </summary>
    public static class PrivateKeyPem
    {
        // OpenSSL 3's default for `openssl pkcs8 -topk8 -v2 aes-256-cbc` is PBKDF2-HMAC-SHA256 with
        // 2048 iterations; we use more, as current guidance asks, while staying fast to open.
        private const int Pbkdf2Iterations = 100_000;

        /// <summary>
        /// An empty password "encrypts" a key that anyone can then open with an empty password: the file
        /// says ENCRYPTED and protects nothing. Read-Host -AsSecureString answered with Enter gives one.
        /// </summary>
        public static void ThrowIfEmpty(SecureString password, string parameterName)
        {
            if (password != null && password.Length == 0)
            {
                throw new SaleschatException(ErrorIds.EmptyPassword, ErrorKind.InvalidArgument,
                    $"{parameterName} is empty, and an empty password protects nothing. Give a real password, or leave it out to write an unencrypted key (the file is owner-only either way).",
                    parameterName);
            }
        }

        public static string Write(RsaPrivateCrtKeyParameters key, SecureString password)
        {
            ThrowIfEmpty(password, "The password");
            PrivateKeyInfo info = PrivateKeyInfoFactory.CreatePrivateKeyInfo(key);
            PemObject pem = password == null
                ? new PemObject("PRIVATE KEY", info.GetEncoded())
                : SecretText.Use(password, chars => new PemObject("ENCRYPTED PRIVATE KEY", Encrypt(info, chars)));

            using (var writer = new StringWriter())
            {
                var pemWriter = new PemWriter(writer);
                pemWriter.WriteObject(pem);
                pemWriter.Writer.Flush();
                return writer.ToString().Replace("\r\n", "\n");
            }
        }

        /// <summary>Reads an RSA private key; <paramref name="source"/> names it in errors (a path, or "KeyPem").</summary>
        public static RsaPrivateCrtKeyParameters Read(string pemText, SecureString password, object source)
        {
            if (string.IsNullOrWhiteSpace(pemText) || pemText.IndexOf("PRIVATE KEY-----", StringComparison.Ordinal) < 0)
            {
                throw InvalidKey(source, "it holds no PEM private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)", null);
            }

            bool encrypted = IsEncrypted(pemText);
            if (encrypted && password == null)
            {
                throw new SaleschatException(ErrorIds.KeyPasswordRequired, ErrorKind.InvalidArgument,
                    $"The private key {Describe(source)} is encrypted. Pass its password with -KeyPassword.", source);
            }

            object parsed;
            try
            {
                parsed = SecretText.Use(password, chars =>
                {
                    using (var reader = new StringReader(pemText))
                    {
                        return FirstKey(new PemReader(reader, new PasswordFinder(chars)));
                    }
                });
            }
            catch (Exception ex) when (encrypted && IsBouncyCastleFailure(ex))
            {
                // BouncyCastle reports a wrong password as "problem creating ENCRYPTED private key"
                // wrapping "pad block corrupted": that is a wrong password.
                throw new SaleschatException(ErrorIds.WrongKeyPassword, ErrorKind.AuthenticationError,
                    $"The password does not open the private key {Describe(source)}. Check -KeyPassword.", source);
            }
            catch (Exception ex) when (IsBouncyCastleFailure(ex))
            {
                throw InvalidKey(source, "its PEM content is damaged or not a private key", null);
            }

            AsymmetricKeyParameter key = parsed is AsymmetricCipherKeyPair pair ? pair.Private : parsed as AsymmetricKeyParameter;
            if (key is RsaPrivateCrtKeyParameters rsa)
            {
                return rsa;
            }

            if (key != null)
            {
                throw new SaleschatException(ErrorIds.UnsupportedKeyType, ErrorKind.InvalidData,
                    $"The private key {Describe(source)} is not an RSA key. " + Messages.RsaKeySizes, source);
            }

            throw InvalidKey(source, "it holds no private key", null);
        }

        /// <summary>
        /// The first key in the text, skipping certificates: a CI secret often bundles the certificate
        /// and its key in one PEM, certificate first, and PemReader returns objects in order.
        /// </summary>
        private static object FirstKey(PemReader reader)
        {
            object item;
            while ((item = reader.ReadObject()) != null)
            {
                if (item is AsymmetricCipherKeyPair || item is AsymmetricKeyParameter)
                {
                    return item;
                }
            }

            return null;
        }

        public static bool IsEncrypted(string pemText) =>
            pemText.IndexOf("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal) >= 0
            || pemText.IndexOf("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal) >= 0;

        private static bool IsBouncyCastleFailure(Exception ex) =>
            ex is IOException || ex is PemGenerationException || ex is InvalidCipherTextException
            || ex is ArgumentException || ex is InvalidOperationException || ex is CryptoException
            || ex is SecurityUtilityException || ex is FormatException || ex is Asn1Exception;

        /// <summary>PBES2 (RFC 8018): PBKDF2-HMAC-SHA256 and AES-256-CBC, as OpenSSL 3 writes with -aes256.</summary>
        private static byte[] Encrypt(PrivateKeyInfo info, char[] password)
        {
            var random = new SecureRandom();
            byte[] salt = SecureRandom.GetNextBytes(random, 16);
            byte[] iv = SecureRandom.GetNextBytes(random, 16);

            var pbkdf2 = new Pkcs5S2ParametersGenerator(new Sha256Digest());
            pbkdf2.Init(PbeParametersGenerator.Pkcs5PasswordToUtf8Bytes(password), salt, Pbkdf2Iterations);
            var key = (KeyParameter)pbkdf2.GenerateDerivedMacParameters(256);

            IBufferedCipher aes = CipherUtilities.GetCipher("AES/CBC/PKCS7PADDING");
            aes.Init(true, new ParametersWithIV(key, iv));
            byte[] encrypted = aes.DoFinal(info.GetEncoded());

            var kdf = new KeyDerivationFunc(PkcsObjectIdentifiers.IdPbkdf2,
                new Pbkdf2Params(salt, Pbkdf2Iterations, new AlgorithmIdentifier(PkcsObjectIdentifiers.IdHmacWithSha256, DerNull.Instance)));
            var scheme = new EncryptionScheme(NistObjectIdentifiers.IdAes256Cbc, new DerOctetString(iv));
            var algorithm = new AlgorithmIdentifier(PkcsObjectIdentifiers.IdPbeS2, new PbeS2Parameters(kdf, scheme));
            return new EncryptedPrivateKeyInfo(algorithm, encrypted).GetEncoded();
        }

        private static SaleschatException InvalidKey(object source, string why, Exception inner) =>
            new SaleschatException(ErrorIds.InvalidKeyPem, ErrorKind.InvalidData,
                $"Cannot read the private key {Describe(source)}: {why}.", source, inner);

        private static string Describe(object source) => source is string s ? $"'{s}'" : "given";

        /// <summary>Hands BouncyCastle a copy of the password, so its use cannot clear ours mid-read.</summary>
        private sealed class PasswordFinder : IPasswordFinder
        {
            private readonly char[] _password;

            public PasswordFinder(char[] password) => _password = password;

            public char[] GetPassword() => _password == null ? null : (char[])_password.Clone();
        }
    }
}
