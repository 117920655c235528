using System;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>One definition of "days until expiry", shared by type data, checks, sessions and the hello test.</summary>
    public static class CertificateExpiry
    {
        /// <summary>Whole days left before NotAfter (negative once expired), counted down from now.</summary>
        public static int DaysUntilExpiry(X509Certificate2 certificate, DateTime utcNow) =>
            (int)Math.Floor((certificate.NotAfter.ToUniversalTime() - utcNow).TotalDays);

        public static int DaysUntilExpiry(X509Certificate2 certificate) => DaysUntilExpiry(certificate, DateTime.UtcNow);

        public static bool IsExpired(X509Certificate2 certificate, DateTime utcNow) => certificate.NotAfter.ToUniversalTime() < utcNow;

        public static bool IsNotYetValid(X509Certificate2 certificate, DateTime utcNow) => certificate.NotBefore.ToUniversalTime() > utcNow;
    }
}
