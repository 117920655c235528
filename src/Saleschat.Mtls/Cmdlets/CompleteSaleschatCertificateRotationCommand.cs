using System.Management.Automation;
using Saleschat.Mtls.Diagnostics;
using Saleschat.Mtls.Rotation;
using Saleschat.Mtls.Sessions;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsLifecycle.Complete, "SaleschatCertificateRotation", SupportsShouldProcess = true)]
    [OutputType(typeof(CertificateRotation))]
    public sealed class CompleteSaleschatCertificateRotationCommand : ProvingRotationCmdlet
    {
        protected override void ProcessRecord()
        {
            RunTerminating(() =>
            {
                CertificateRotation rotation = new RotationService().Complete(ResolvePaths(), KeyPassword, new RotationSteps
                {
                    Confirm = ShouldProcess,
                    Warn = WriteWarning,
                    Log = WriteVerbose,
                    OptionalSession = () => Session ?? DefaultSession.Current,
                    RequiredSession = () => ResolveSession(Session),
                    Prove = probe => RunAsync((log, token) => MtlsProbe.RunAsync(probe, log, token)),
                }, ResolvePath(IssuedCertificatePath), ResolvePath(ChainPath));
                if (rotation != null)
                {
                    WriteVerbose(rotation.NextStep);
                    WriteObject(rotation);
                }
            });
        }
    }
}
