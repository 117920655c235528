using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// HasPrivateKey only says a key is linked to the certificate: for a LocalMachine store certificate it is true
    /// even when this account may not open the key, and SChannel then fails the handshake with a generic error.
    /// Using the key once, when the session is made, turns that into a clear error with what to do.
    /// </summary>
    internal static class ClientKeyCheck
    {
        private static readonly byte[] Probe = { 0x53, 0x61, 0x6C, 0x65, 0x73, 0x63, 0x68, 0x61, 0x74 };

        public static void RequireUsable(X509Certificate2 certificate) => RequireUsable(certificate, SignOnce);

        /// <param name="certificate">The session's certificate.</param>
        /// <param name="use">Opens and uses the key (tests pass one that fails as Windows does).</param>
        internal static void RequireUsable(X509Certificate2 certificate, System.Action<X509Certificate2> use)
        {
            try
            {
                use(certificate);
            }
            catch (CryptographicException ex)
            {
                throw new SaleschatException(ErrorIds.ClientKeyUnusable, ErrorKind.PermissionDenied,
                    $"The private key of '{certificate.Subject}' ({certificate.Thumbprint}) cannot be opened by this account ({Secrets.PlatformMessage.Of(ex)}). " + ClientKeyAdvice.Text,
                    certificate, ex);
            }
        }

        private static void SignOnce(X509Certificate2 certificate)
        {
            using (RSA rsa = certificate.GetRSAPrivateKey())
            {
                // SHA-1 only proves the key opens: .NET Framework's RSACryptoServiceProvider refuses SHA-256 for keys
                // in the older "Enhanced" CSP ("Invalid algorithm specified"), which SChannel still uses fine.
                rsa?.SignData(Probe, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);
            }
        }
    }
}
