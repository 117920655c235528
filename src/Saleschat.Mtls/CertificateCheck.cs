namespace Saleschat.Mtls
{
    /// <summary>One named Saleschat requirement and how the certificate fared.</summary>
    public sealed class CertificateCheck
    {
        public CertificateCheck(string name, CheckOutcome outcome, string detail)
        {
            Name = name;
            Outcome = outcome;
            Detail = detail;
        }

        public string Name { get; }

        public CheckOutcome Outcome { get; }

        public bool Passed => Outcome != CheckOutcome.Failed;

        public string Detail { get; }

        public override string ToString() => $"{Name}: {Outcome} ({Detail})";
    }
}
