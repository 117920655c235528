using System;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Windows only: the dwProvType of a certificate's CERT_KEY_PROV_INFO_PROP_ID property, read with
    /// CertGetCertificateContextProperty. X509Certificate2.Handle is the PCCERT_CONTEXT on Windows, on .NET Framework and
    /// .NET alike (referencesource X509Certificate.Handle; dotnet/runtime CertificatePal.Windows). Not exercised in CI
    /// (Linux): the decision it feeds is unit-tested through <see cref="KeyProviderInfo"/>.
    /// </summary>
    internal static class WindowsKeyProviderInfo
    {
        // wincrypt.h: CERT_KEY_PROV_INFO_PROP_ID = 2 ("CertGetCertificateContextProperty", learn.microsoft.com).
        private const int CertKeyProvInfoPropId = 2;

        /// <summary>dwProvType, or null when the certificate records no key provider (or it cannot be read).</summary>
        public static int? ProviderType(X509Certificate2 certificate)
        {
            int size = 0;
            if (!CertGetCertificateContextProperty(certificate.Handle, CertKeyProvInfoPropId, null, ref size) || size <= 0)
            {
                return null; // CRYPT_E_NOT_FOUND: no provider info (an ephemeral key)
            }

            var buffer = new byte[size];
            if (!CertGetCertificateContextProperty(certificate.Handle, CertKeyProvInfoPropId, buffer, ref size))
            {
                return null;
            }

            return KeyProviderInfo.ProviderTypeOf(buffer, IntPtr.Size);
        }

        [DllImport("crypt32.dll", SetLastError = true)]
        private static extern bool CertGetCertificateContextProperty(IntPtr certContext, int propId, byte[] data, ref int size);
    }
}
