using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;

namespace Saleschat.Mtls.Module
{
    /// <summary>Code properties the types.ps1xml adds to X509Certificate2 (DaysUntilExpiry, Chain).</summary>
    public static class CertificateTypeData
    {
        public static int GetDaysUntilExpiry(PSObject instance) =>
            instance?.BaseObject is X509Certificate2 certificate ? CertificateExpiry.DaysUntilExpiry(certificate) : 0;

        /// <summary>The CA certificates read with the certificate (its issuer first), empty when none were.</summary>
        public static X509Certificate2[] GetChain(PSObject instance) =>
            ClientChains.Of(instance?.BaseObject as X509Certificate2);
    }
}
