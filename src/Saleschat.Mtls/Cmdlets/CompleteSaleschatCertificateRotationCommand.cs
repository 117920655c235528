using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Diagnostics;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Rotation;
using Saleschat.Mtls.Sessions;

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
                RotationPaths paths = ResolvePaths();
                RotationService.RefuseCombinedPem(paths);
                var rotations = new RotationService();

                // One run per pair from the proof to the last move: a second Complete waits, then finds the work done.
                using (rotations.Lock(paths))
                {
                    SaleschatSession session;
                    X509Certificate2 next = null;
                    try
                    {
                        if (rotations.IsCompletionInterrupted(paths))
                        {
                            if (!Resume(rotations, paths, out session, out next))
                            {
                                return;
                            }
                        }
                        else
                        {
                            session = ResolveSession(Session);
                            next = rotations.LoadNext(paths, KeyPassword);
                            if (!ShouldProcess(paths.CertificatePath, $"Promote {next.Thumbprint} from '{paths.NextCertificatePath}', keeping the current pair as '{paths.PreviousCertificatePath}'"))
                            {
                                return;
                            }

                            ProveAccepted(session, next, paths);
                        }

                        // The proven copy is needed only for its thumbprint: the promoted pair is read again from its files.
                        CertificateRotation rotation = rotations.Promote(paths, KeyPassword, next);
                        session?.SwitchCertificate(rotation.CurrentCertificate);
                        WriteVerbose(rotation.NextStep);
                        WriteObject(rotation);
                    }
                    finally
                    {
                        // Released on every path (refused, -WhatIf, promoted), so its imported key leaves no file behind.
                        next?.Dispose();
                    }
                }
            });
        }

        /// <summary>
        /// An interrupted promotion. Its journal is ours alone and was written only after the next certificate was
        /// proven; with a session at hand the pair is proven again before anything more moves. Without one (the
        /// pair on disk may be half-promoted, so no session could be opened from it) the journal says what to move.
        /// </summary>
        private bool Resume(RotationService rotations, RotationPaths paths, out SaleschatSession session, out X509Certificate2 next)
        {
            RotationJournal journal = rotations.ReadJournal(paths);
            next = rotations.LoadJournalled(paths, journal, KeyPassword);
            session = Session ?? DefaultSession.Current;
            if (!ShouldProcess(paths.CertificatePath, $"Finish the interrupted promotion of {next.Thumbprint}, keeping the old pair {journal.OldThumbprint} as '{paths.PreviousCertificatePath}'"))
            {
                return false;
            }

            if (session != null)
            {
                WriteWarning($"Finishing an interrupted rotation of '{paths.CertificatePath}': proving {next.Thumbprint} again first.");
                ProveAccepted(session, next, paths);
            }
            else
            {
                WriteWarning($"Finishing an interrupted rotation of '{paths.CertificatePath}' without a session: the journal '{paths.JournalPath}' (yours alone) records that {next.Thumbprint} was proven{(journal.Proven != null ? " at " + journal.Proven : string.Empty)}. Run New-SaleschatSession with the promoted pair afterwards.");
            }

            return true;
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
                        Messages.NextCertificateNotAccepted(next.Thumbprint, result.Diagnosis.ToString(), result.Message, paths.NextCertificatePath),
                        paths.NextCertificatePath);
                }

                WriteVerbose($"The next certificate {next.Thumbprint} is accepted: {result.Message}");
            }
        }
    }
}
