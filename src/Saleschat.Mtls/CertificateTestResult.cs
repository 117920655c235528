using System;
using System.Collections.Generic;
using System.Linq;

namespace Saleschat.Mtls
{
    /// <summary>The outcome of Test-SaleschatClientCertificate: passed only when no check failed.</summary>
    public sealed class CertificateTestResult
    {
        public CertificateTestResult(string subject, string thumbprint, DateTime notAfter, int daysUntilExpiry, IReadOnlyList<CertificateCheck> checks)
        {
            Subject = subject;
            Thumbprint = thumbprint;
            NotAfter = notAfter;
            DaysUntilExpiry = daysUntilExpiry;
            Checks = checks;
        }

        public bool Passed => Checks.All(c => c.Passed);

        public string Subject { get; }

        public string Thumbprint { get; }

        public DateTime NotAfter { get; }

        public int DaysUntilExpiry { get; }

        public IReadOnlyList<CertificateCheck> Checks { get; }

        /// <summary>Names of the failed checks, for a one-line view.</summary>
        public string[] FailedChecks => Checks.Where(c => !c.Passed).Select(c => c.Name).ToArray();

        public override string ToString() =>
            Passed ? $"Passed: {Subject}" : $"Failed ({string.Join(", ", FailedChecks)}): {Subject}";
    }
}
