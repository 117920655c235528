using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Keys
{
    /// <summary>
    /// Makes RSA keys with the platform's generator (OpenSSL on Linux/macOS, CNG or CAPI on Windows),
    /// which is markedly faster than a managed generator for 4096-bit keys.
    /// </summary>
    public static class RsaKeyGenerator
    {
        public static readonly int[] SupportedSizes = { 2048, 3072, 4096 };

        public static RsaPrivateCrtKeyParameters Generate(int keySize)
        {
            if (System.Array.IndexOf(SupportedSizes, keySize) < 0)
            {
                throw new SaleschatException(ErrorIds.InvalidKeySize, ErrorKind.InvalidArgument,
                    $"Key size {keySize} is not supported. Use 2048, 3072 or 4096 (Saleschat accepts 2048 or 4096).", keySize);
            }

            using (RSA rsa = CreateRsa(keySize))
            {
                RSAParameters parameters = rsa.ExportParameters(includePrivateParameters: true);

                // Never trust the platform to have honoured the size: a wrong size is an error, not a silent key.
                int generatedBits = parameters.Modulus.Length * 8;
                if (generatedBits != keySize)
                {
                    throw new SaleschatException(ErrorIds.KeyGenerationFailed, ErrorKind.InvalidResult,
                        $"The platform generated a {generatedBits}-bit key instead of {keySize} bits; no key was written.", keySize);
                }

                return RsaKeyConverter.ToBouncyCastle(parameters);
            }
        }

        private static RSA CreateRsa(int keySize)
        {
            RSA rsa = RSA.Create();

            // .NET Framework (Windows PowerShell 5.1) returns RSACryptoServiceProvider, which ignores a
            // KeySize set after construction and silently generates 1024 bits. It only honours the size
            // given to its constructor.
            if (rsa is RSACryptoServiceProvider)
            {
                rsa.Dispose();
                return new RSACryptoServiceProvider(keySize) { PersistKeyInCsp = false };
            }

            rsa.KeySize = keySize;
            return rsa;
        }
    }
}
