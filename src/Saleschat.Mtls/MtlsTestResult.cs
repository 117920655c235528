using System;

namespace Saleschat.Mtls
{
    /// <summary>The outcome of Test-SaleschatMtls.</summary>
    public sealed class MtlsTestResult
    {
        public bool Success => Diagnosis == MtlsDiagnosis.Success;

        public MtlsDiagnosis Diagnosis { get; set; }

        /// <summary>What happened and what to do next.</summary>
        public string Message { get; set; }

        public int? StatusCode { get; set; }

        public string Body { get; set; }

        public Uri Uri { get; set; }

        public string HttpVersion { get; set; }

        public string Thumbprint { get; set; }

        public int DaysUntilExpiry { get; set; }

        public TimeSpan Elapsed { get; set; }

        public override string ToString() => $"{Diagnosis}: {Message}";
    }
}
