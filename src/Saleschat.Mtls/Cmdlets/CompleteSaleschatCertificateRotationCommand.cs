using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Diagnostics;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Rotation;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsLifecycle.Complete, "SaleschatCertificateRotation", SupportsShouldProcess = true)]
    [OutputType(typeof(CertificateRotation))]
    public sealed class CompleteSaleschatCertificateRotationCommand : RotationCmdlet
    {
        /// <summary>The session that proves the next certificate and is switched to it (default: the default session).</summary>
        [Parameter(Position = 0)]
        [ValidateNotNull]
        public SaleschatSession Session { get; set; }

        protected override void ProcessRecord()
        {
            RunTerminating(() =>
            {
                SaleschatSession session = ResolveSession(Session);
                RotationPaths paths = ResolvePaths();
                var rotations = new RotationService();

                X509Certificate2 next = null;
                CertificateRotation rotation;
                try
                {
                    if (rotations.IsCompletionInterrupted(paths))
                    {
                        // The next certificate was proven before the journal was written: finish the moves.
                        WriteWarning($"Finishing an interrupted rotation of '{paths.CertificatePath}'.");
                    }
                    else
                    {
                        next = rotations.LoadNext(paths, KeyPassword);
                        if (!ShouldProcess(paths.CertificatePath, $"Promote {next.Thumbprint} from '{paths.NextCertificatePath}', keeping the current pair as '{paths.PreviousCertificatePath}'"))
                        {
                            return;
                        }

                        ProveAccepted(session, next, paths);
                    }

                    // The proven copy is needed only for its thumbprint: the promoted pair is read again from its files.
                    rotation = rotations.Promote(paths, KeyPassword, next);
                }
                finally
                {
                    // Released on every path (refused, -WhatIf, promoted), so its imported key leaves no file behind.
                    next?.Dispose();
                }

                session.SwitchCertificate(rotation.CurrentCertificate);
                WriteVerbose(rotation.NextStep);
                WriteObject(rotation);
            });
        }

        /// <summary>The hello call with the next certificate, through the session's host, org and trust.</summary>
        private void ProveAccepted(SaleschatSession session, X509Certificate2 next, RotationPaths paths)
        {
            using (SaleschatSession probe = session.WithCertificate(next))
            {
                MtlsTestResult result = RunAsync((log, token) => MtlsProbe.RunAsync(probe, log, token));
                if (!result.Success)
                {
                    throw new SaleschatException(ErrorIds.NextCertificateNotAccepted, ErrorKind.InvalidOperation,
                        $"Saleschat did not accept the next certificate {next.Thumbprint} ({result.Diagnosis}: {result.Message}). Upload '{paths.NextCertificatePath}' in Settings > mTLS first; nothing was moved.",
                        paths.NextCertificatePath);
                }

                WriteVerbose($"The next certificate {next.Thumbprint} is accepted: {result.Message}");
            }
        }
    }
}
