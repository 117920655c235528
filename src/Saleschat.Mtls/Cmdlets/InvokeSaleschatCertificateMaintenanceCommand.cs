using System;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Diagnostics;
using Saleschat.Mtls.Rotation;
using Saleschat.Mtls.Sessions;

namespace Saleschat.Mtls.Cmdlets
{
    /// <summary>
    /// One scheduled step of certificate upkeep (<see cref="CertificateMaintenance"/>). Writes one status object (or,
    /// with -AsJson, one JSON line); when a person must act, the PEM and the next command also go to the host as
    /// plain lines, as Write-Host writes them, so they can be copied whole from an 80-column log.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "SaleschatCertificateMaintenance", SupportsShouldProcess = true)]
    [OutputType(typeof(CertificateMaintenanceResult), typeof(string))]
    public sealed class InvokeSaleschatCertificateMaintenanceCommand : ProvingRotationCmdlet
    {
        [Parameter]
        [ValidateRange(0, 3650)]
        public int RenewBeforeDays { get; set; } = CertificateMaintenance.DefaultRenewBeforeDays;

        [Parameter]
        public SwitchParameter AsJson { get; set; }

        protected override void ProcessRecord()
        {
            RunTerminating(() =>
            {
                Keys.PrivateKeyPem.ThrowIfEmpty(KeyPassword, "-KeyPassword");
                RotationPaths paths = ResolvePaths();
                if (!ShouldProcess(paths.CertificatePath, $"One maintenance step: start a rotation {RenewBeforeDays} days before expiry (writing '{paths.NextCertificatePath}', or for a CA-issued pair '{paths.NextRequestPath}', and the next key), or prove and promote a waiting next pair"))
                {
                    return;
                }

                SaleschatSession session = Session ?? DefaultSession.Current;
                Func<X509Certificate2, MtlsTestResult> prove = null;
                if (session != null)
                {
                    prove = next =>
                    {
                        using (SaleschatSession probe = session.WithCertificate(next))
                        {
                            return RunAsync((log, token) => MtlsProbe.RunAsync(probe, log, token));
                        }
                    };
                }

                CertificateMaintenanceResult result = new CertificateMaintenance().Run(paths, KeyPassword, RenewBeforeDays, prove, WriteVerbose,
                    ResolvePath(IssuedCertificatePath), ResolvePath(ChainPath));
                if (result.State == CertificateMaintenanceState.Completed && session != null && session.IsOpen
                    && !string.Equals(session.Thumbprint, result.Thumbprint, StringComparison.OrdinalIgnoreCase))
                {
                    // As Complete-SaleschatCertificateRotation does: the session that proved the pair switches to it now.
                    session.SwitchCertificate(LoadFromFiles(paths.CertificatePath, paths.KeyPath, KeyPassword));
                    WriteVerbose($"The session now uses {result.Thumbprint}.");
                }

                if (result.State == CertificateMaintenanceState.Expired)
                {
                    WriteWarning(result.NextStep);
                }

                if (AsJson)
                {
                    WriteObject(result.ToJson());
                    return;
                }

                foreach (string line in result.PersonLines())
                {
                    WriteHostLine(line);
                }

                WriteObject(result);
            });
        }

        /// <summary>A line exactly as Write-Host writes it: shown by the host whatever the width, and capturable as 6>.</summary>
        private void WriteHostLine(string line) =>
            WriteInformation(new HostInformationMessage { Message = line, NoNewLine = false }, new[] { "PSHOST" });
    }
}
