using System.Management.Automation;
using Saleschat.Mtls.Rotation;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsLifecycle.Start, "SaleschatCertificateRotation", SupportsShouldProcess = true)]
    [OutputType(typeof(CertificateRotation))]
    public sealed class StartSaleschatCertificateRotationCommand : RotationCmdlet
    {
        [Parameter]
        [ValidateSet("2048", "4096")]
        public int KeySize { get; set; }

        [Parameter]
        public int ValidityDays { get; set; } = Certificates.ClientCertificateBuilder.DefaultValidityDays;

        protected override void ProcessRecord()
        {
            RunTerminating(() =>
            {
                Keys.PrivateKeyPem.ThrowIfEmpty(KeyPassword, "-KeyPassword");
                CertificateRotation rotation = new RotationService().Start(ResolvePaths(), KeyPassword, KeySize == 0 ? (int?)null : KeySize, ValidityDays,
                    new RotationSteps { Confirm = ShouldProcess });
                if (rotation != null)
                {
                    WriteVerbose(rotation.NextStep);
                    WriteObject(rotation);
                }
            });
        }
    }
}
