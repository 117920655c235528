using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.X509;

namespace Saleschat.Mtls.Keys
{
    /// <summary>Moves RSA keys between .NET's RSAParameters and BouncyCastle's key types.</summary>
    public static class RsaKeyConverter
    {
        public static RsaPrivateCrtKeyParameters ToBouncyCastle(RSAParameters p)
        {
            return new RsaPrivateCrtKeyParameters(
                Positive(p.Modulus), Positive(p.Exponent), Positive(p.D),
                Positive(p.P), Positive(p.Q), Positive(p.DP), Positive(p.DQ), Positive(p.InverseQ));
        }

        public static RsaKeyParameters PublicOf(RsaPrivateCrtKeyParameters key)
        {
            return new RsaKeyParameters(false, key.Modulus, key.PublicExponent);
        }

        /// <summary>
        /// SHA-256 of the DER SubjectPublicKeyInfo, as lowercase hex: the same value as
        /// <c>openssl pkey -pubout -outform DER | sha256sum</c>, so people can compare fingerprints.
        /// </summary>
        public static string PublicKeySha256(RsaKeyParameters publicKey)
        {
            SubjectPublicKeyInfo info = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey);
            using (SHA256 sha = SHA256.Create())
            {
                return Hex.Lower(sha.ComputeHash(info.GetDerEncoded()));
            }
        }

        private static BigInteger Positive(byte[] bigEndian) => new BigInteger(1, bigEndian);
    }
}
