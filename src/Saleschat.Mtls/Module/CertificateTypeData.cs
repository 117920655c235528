using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;

namespace Saleschat.Mtls.Module
{
    /// <summary>Code properties the types.ps1xml adds to X509Certificate2 (DaysUntilExpiry).</summary>
    public static class CertificateTypeData
    {
        public static int GetDaysUntilExpiry(PSObject instance) =>
            instance?.BaseObject is X509Certificate2 certificate ? CertificateExpiry.DaysUntilExpiry(certificate) : 0;
    }
}
