using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>Whether a private key belongs to a certificate: same RSA modulus and public exponent.</summary>
    public static class KeyMatch
    {
        public static bool Matches(X509Certificate2 certificate, RsaPrivateCrtKeyParameters key)
        {
            using (RSA publicKey = certificate.GetRSAPublicKey())
            {
                if (publicKey == null)
                {
                    return false;
                }

                RSAParameters p = publicKey.ExportParameters(false);
                return new BigInteger(1, p.Modulus).Equals(key.Modulus) && new BigInteger(1, p.Exponent).Equals(key.PublicExponent);
            }
        }
    }
}
