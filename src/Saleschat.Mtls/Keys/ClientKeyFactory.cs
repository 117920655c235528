using System.Security;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;

namespace Saleschat.Mtls.Keys
{
    /// <summary>Makes a client key and, when asked, writes it as an owner-only PKCS#8 PEM file.</summary>
    public static class ClientKeyFactory
    {
        public static ClientKey Create(int keySize, string path, SecureString password, bool overwrite)
        {
            RsaPrivateCrtKeyParameters key = RsaKeyGenerator.Generate(keySize);
            if (path != null)
            {
                WriteKeyFile(key, path, password, overwrite);
            }

            return new ClientKey(key, path, encrypted: path != null && password != null);
        }

        public static void WriteKeyFile(RsaPrivateCrtKeyParameters key, string path, SecureString password, bool overwrite)
        {
            byte[] pem = Encoding.ASCII.GetBytes(PrivateKeyPem.Write(key, password));
            new AtomicFileWriter().Write(path, pem, ownerOnly: true, overwrite: overwrite, existsErrorId: ErrorIds.KeyFileExists);
        }
    }
}
