using Org.BouncyCastle.Crypto.Parameters;
using Saleschat.Mtls.Keys;

namespace Saleschat.Mtls
{
    /// <summary>
    /// An RSA client key as New-SaleschatClientKey returns it. The private key stays inside (internal,
    /// never formatted, never in ToString) so the object can be piped to New-SaleschatClientCertificate.
    /// </summary>
    public sealed class ClientKey
    {
        internal ClientKey(RsaPrivateCrtKeyParameters privateKey, string path, bool encrypted)
        {
            PrivateKey = privateKey;
            Path = path;
            Encrypted = encrypted;
            KeySize = privateKey.Modulus.BitLength;
            PublicKeySha256 = RsaKeyConverter.PublicKeySha256(RsaKeyConverter.PublicOf(privateKey));
        }

        /// <summary>Full path of the key file, or null for a key held only in memory.</summary>
        public string Path { get; }

        public int KeySize { get; }

        public string Algorithm => "RSA";

        /// <summary>SHA-256 of the public key (SubjectPublicKeyInfo DER), lowercase hex.</summary>
        public string PublicKeySha256 { get; }

        /// <summary>True when the key file is password-protected (ENCRYPTED PRIVATE KEY).</summary>
        public bool Encrypted { get; }

        internal RsaPrivateCrtKeyParameters PrivateKey { get; }

        public override string ToString() =>
            $"RSA {KeySize} {(Path ?? "(in memory)")} SHA256:{PublicKeySha256}";
    }
}
