using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
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
                    WarnAboutOtherKeySize(rotation);
                    WriteVerbose(rotation.NextStep);
                    WriteObject(rotation);
                }
            });
        }

        /// <summary>
        /// Start returns a pending rotation as it is (its certificate may already be uploaded), so a -KeySize that differs
        /// from the pending key is not applied: a warning says so, and how to get the size asked for. Not an error: a
        /// scheduler that runs Start again still gets the pair it must upload.
        /// </summary>
        private void WarnAboutOtherKeySize(CertificateRotation rotation)
        {
            int? pending;
            using (var rsa = rotation.NextCertificate?.GetRSAPublicKey())
            {
                pending = rsa?.KeySize;
            }

            if (KeySize != 0 && pending != null && pending.Value != KeySize)
            {
                WriteWarning($"A rotation is already pending with a {pending.Value}-bit key ('{rotation.NextKeyPath}'): -KeySize {KeySize} was not applied, and the pending pair is returned as it is. "
                    + $"For a {KeySize}-bit key, delete '{rotation.NextKeyPath}' and '{rotation.NextCertificatePath}' (if the pending certificate was not uploaded yet), then run Start-SaleschatCertificateRotation -KeySize {KeySize} again.");
            }
        }
    }
}
