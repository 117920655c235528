using System;
using System.IO;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;

namespace Saleschat.Mtls.Rotation
{
    /// <summary>
    /// One idempotent step of certificate upkeep for a scheduler (cron, a systemd timer, Task Scheduler, Azure
    /// Automation, a CI schedule), built on <see cref="RotationService"/>: before the renewal window it does nothing;
    /// inside it, it starts the rotation and asks for the upload; with a next pair it proves it with the hello call
    /// and promotes it once Saleschat accepts it. One run at a time works on a pair (<see cref="RotationLock"/>); a
    /// run that finds the lock held only looks and says so. A run killed at any point leaves the current pair
    /// working (the rotation's own guarantees), and the next run finishes: a pending pair is kept, an interrupted
    /// promotion is finished from its journal.
    /// A CA-issued pair (<see cref="CertificateOrigin.IsCaIssued"/>) is renewed through the CA instead: inside the window
    /// the run makes the next key and its CSR (no self-signed certificate), and asks for the CA's reply at an agreed
    /// path (client.next.issued.pem, or the caller's); a later run that finds the reply stores it as the next
    /// certificate, proves it and promotes it, as Complete-SaleschatCertificateRotation -IssuedCertificatePath does.
    /// </summary>
    public sealed class CertificateMaintenance
    {
        /// <summary>No wait: an overlapping run (cron started the next one while the last still works) reports "locked" at once.</summary>
        public static readonly TimeSpan LockWait = TimeSpan.Zero;

        /// <summary>The default renewal window: a year's certificate is renewed a month before it expires.</summary>
        public const int DefaultRenewBeforeDays = 30;

        private readonly RotationService _rotations;
        private readonly Func<DateTime> _utcNow;

        public CertificateMaintenance(RotationService rotations = null, Func<DateTime> utcNow = null)
        {
            _rotations = rotations ?? new RotationService(lockWait: LockWait);
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        /// <summary>
        /// "About to expire": under a day left, or under a tenth of its lifetime for certificates that live less than
        /// ten days (so a short-lived test certificate has a renewal window before it is "expired").
        /// </summary>
        public static bool IsAboutToExpire(X509Certificate2 certificate, DateTime utcNow)
        {
            TimeSpan left = certificate.NotAfter.ToUniversalTime() - utcNow;
            TimeSpan lifetime = certificate.NotAfter.ToUniversalTime() - certificate.NotBefore.ToUniversalTime();
            TimeSpan critical = TimeSpan.FromTicks(Math.Min(TimeSpan.FromDays(1).Ticks, lifetime.Ticks / 10));
            return left < critical;
        }

        /// <summary>Whether the certificate is inside the renewal window (it expires within <paramref name="renewBeforeDays"/> days).</summary>
        public static bool IsInRenewalWindow(X509Certificate2 certificate, int renewBeforeDays, DateTime utcNow) =>
            certificate.NotAfter.ToUniversalTime() - utcNow <= TimeSpan.FromDays(renewBeforeDays);

        /// <param name="paths">The pair's files.</param>
        /// <param name="password">The keys' password, if they are encrypted.</param>
        /// <param name="renewBeforeDays">How many days before expiry the rotation starts.</param>
        /// <param name="prove">The hello call with a certificate (the session's host, org, key and trust); asked only when a next pair waits.</param>
        /// <param name="log">One line per step taken (never a secret).</param>
        /// <param name="issuedPath">Where the CA's reply to the next key's CSR is dropped (default: <see cref="RotationPaths.NextIssuedPath"/>).</param>
        /// <param name="chainPath">The reply's CA certificates in their own file, or null.</param>
        public CertificateMaintenanceResult Run(RotationPaths paths, SecureString password, int renewBeforeDays, Func<X509Certificate2, MtlsTestResult> prove, Action<string> log = null,
            string issuedPath = null, string chainPath = null)
        {
            log = log ?? (_ => { });
            RotationService.RefuseCombinedPem(paths);
            RefuseReplyFolder(paths, issuedPath);
            RotationLock held;
            try
            {
                held = _rotations.Lock(paths);
            }
            catch (SaleschatException ex) when (ex.ErrorId == ErrorIds.RotationInProgress)
            {
                log($"Another run holds '{paths.LockPath}': looking only.");
                return Observe(paths, renewBeforeDays);
            }

            using (held)
            {
                if (_rotations.IsCompletionInterrupted(paths))
                {
                    return Resume(paths, password, prove, log);
                }

                using (X509Certificate2 current = ClientCertificateReader.FromFiles(paths.CertificatePath, paths.KeyPath, password, Keys.KeyFileTrust.For(paths.KeyPath)))
                {
                    DateTime now = _utcNow();
                    CertificateMaintenanceResult result = CertificateMaintenanceResult.For(paths, current, now);
                    if (File.Exists(paths.NextKeyPath) && File.Exists(paths.NextCertificatePath))
                    {
                        return WithoutStaleReply(ProveAndPromote(paths, password, prove, current, result, log), paths, password, issuedPath, log);
                    }

                    if (File.Exists(paths.NextKeyPath) && File.Exists(paths.NextRequestPath))
                    {
                        return FromCa(paths, password, prove, current, result, issuedPath, chainPath, log);
                    }

                    if (!File.Exists(paths.NextKeyPath) && !IsInRenewalWindow(current, renewBeforeDays, now))
                    {
                        result.State = CertificateMaintenanceState.NothingToDo;
                        result.NextStep = $"Nothing to do: {result.DaysUntilExpiry} days left (until {result.NotAfter:yyyy-MM-dd HH:mm} UTC); the rotation starts {renewBeforeDays} days before expiry.";
                        return result;
                    }

                    // Inside the window (or a Start killed after the key, before the certificate): make or finish the next pair,
                    // through the CA when the pair in use came from one (a self-signed successor would not chain to it).
                    if (CertificateOrigin.IsCaIssued(current))
                    {
                        return RequestFromCa(paths, password, current, result, issuedPath, log);
                    }

                    CertificateRotation started = _rotations.StartHeld(paths, password, null, ClientCertificateBuilder.DefaultValidityDays);
                    log($"Started the rotation: {started.NextCertificate.Thumbprint} waits in '{paths.NextCertificatePath}'.");
                    result.Waiting(paths, started.Pem, started.NextCertificate.Thumbprint);
                    started.NextCertificate.Dispose();
                    return Pending(result, current, now, CertificateMaintenanceState.ActionRequired);
                }
            }
        }

        /// <summary>
        /// A reply path that names a folder (or anything but a file) would never hold a reply: every run would report
        /// "waiting for the CA" for ever. Refused at once, before anything is made.
        /// </summary>
        private static void RefuseReplyFolder(RotationPaths paths, string issuedPath)
        {
            FileFacts facts = issuedPath == null ? null : FilePlatform.Current.Inspect(issuedPath);
            if (facts != null && facts.Kind != FileKind.Regular)
            {
                throw new SaleschatException(ErrorIds.NotARegularFile, ErrorKind.InvalidArgument,
                    $"-IssuedCertificatePath '{issuedPath}' is {FileFacts.Describe(facts.Kind)}; it names the file the CA's reply is saved as, such as '{Path.Combine(issuedPath, Path.GetFileName(paths.NextIssuedPath))}'. Nothing was changed.",
                    issuedPath);
            }
        }

        /// <summary>Makes (or finishes) the next key and its CSR, and asks for the CA's reply.</summary>
        private CertificateMaintenanceResult RequestFromCa(RotationPaths paths, SecureString password, X509Certificate2 current, CertificateMaintenanceResult result,
            string issuedPath, Action<string> log)
        {
            if (issuedPath == null && !File.Exists(paths.NextKeyPath) && File.Exists(paths.NextIssuedPath)
                && (HoldsCertificate(paths.NextIssuedPath, current.Thumbprint, password) || HoldsCertificate(paths.NextIssuedPath, PreviousThumbprint(paths), password)))
            {
                // A reply at the agreed path before its request exists answers an earlier rotation (left by a run killed
                // after storing it): it cannot hold this key's certificate, and would be refused as another key's. Only
                // such a used reply goes unasked: anything else there (a CA portal's PFX holds its own key) is kept, and
                // the run that finds it after the request refuses it (CertificateKeyMismatch) for a person to move.
                log($"Removing '{paths.NextIssuedPath}', left from an earlier rotation: no request for it exists yet.");
                File.Delete(paths.NextIssuedPath);
            }

            CertificateRotation started = _rotations.StartHeld(paths, password, null, ClientCertificateBuilder.DefaultValidityDays, certificateRequest: true);
            log($"Started the rotation through the CA: the next key's request waits in '{paths.NextRequestPath}'.");
            result.Requested(paths, started.Pem, issuedPath ?? paths.NextIssuedPath);
            return Pending(result, current, _utcNow(), CertificateMaintenanceState.ActionRequired);
        }

        /// <summary>
        /// A CSR waits for the CA: without its reply, the run waits; with it, the reply (checked against the next key) is
        /// stored as the next certificate, then proven and promoted as any next pair.
        /// </summary>
        private CertificateMaintenanceResult FromCa(RotationPaths paths, SecureString password, Func<X509Certificate2, MtlsTestResult> prove,
            X509Certificate2 current, CertificateMaintenanceResult result, string issuedPath, string chainPath, Action<string> log)
        {
            string reply = issuedPath ?? paths.NextIssuedPath;
            byte[] request = BoundedFileReader.Read(paths.NextRequestPath, BoundedFileReader.PemLimit, ErrorIds.FileReadFailed, "certificate signing request");
            result.Requested(paths, System.Text.Encoding.ASCII.GetString(request), reply);
            if (!File.Exists(reply))
            {
                log($"No reply from the CA yet at '{reply}'.");
                return Pending(result, current, _utcNow(), CertificateMaintenanceState.WaitingForUpload);
            }

            if (issuedPath != null && HoldsCertificate(reply, current.Thumbprint, password))
            {
                // The caller's reply file is not removed after a promotion (client.next.issued.pem is), so at the next
                // rotation it holds the certificate in use until the CA answers the new request: no reply yet.
                log($"'{reply}' still holds the certificate in use ({current.Thumbprint}), the last rotation's reply: no reply from the CA yet.");
                return Pending(result, current, _utcNow(), CertificateMaintenanceState.WaitingForUpload);
            }

            if (prove == null)
            {
                throw NoSession(paths, reply);
            }

            using (X509Certificate2 issued = _rotations.ReadIssued(paths, reply, chainPath, password))
            {
                if (chainPath == null && IssuedChainFrom(current, issued))
                {
                    log($"The CA's reply holds no chain: using the one of the certificate in use ({ClientChains.Of(issued)[0].Subject}).");
                }

                _rotations.AcceptIssued(paths, issued);
                log($"Stored the CA's certificate {issued.Thumbprint} from '{reply}' as '{paths.NextCertificatePath}'.");
            }

            if (issuedPath == null)
            {
                // Its content is now the next certificate; a reply left at the agreed path would answer no later request.
                File.Delete(paths.NextIssuedPath);
            }

            result.RequestFile = null;
            return ProveAndPromote(paths, password, prove, current, result, log);
        }

        /// <summary>Whether the reply's certificate has <paramref name="thumbprint"/>; a reply that cannot be read is left to <see cref="RotationService.ReadIssued"/> to report.</summary>
        private static bool HoldsCertificate(string reply, string thumbprint, SecureString password)
        {
            if (thumbprint == null)
            {
                return false;
            }

            try
            {
                using (X509Certificate2 held = ClientCertificateReader.FromFiles(reply, null, password))
                {
                    return string.Equals(held.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase);
                }
            }
            catch (SaleschatException)
            {
                return false;
            }
        }

        /// <summary>The thumbprint of the pair kept by the last promotion, or null.</summary>
        private static string PreviousThumbprint(RotationPaths paths)
        {
            if (!File.Exists(paths.PreviousCertificatePath))
            {
                return null;
            }

            try
            {
                using (X509Certificate2 previous = ClientCertificateReader.FromFiles(paths.PreviousCertificatePath, null, null))
                {
                    return previous.Thumbprint;
                }
            }
            catch (SaleschatException)
            {
                return null;
            }
        }

        /// <summary>
        /// A CA often returns the lone certificate: when the reply has no chain and the issuers of the certificate in use
        /// issued it (the same CA), those are its chain. Returns whether they were attached.
        /// </summary>
        internal static bool IssuedChainFrom(X509Certificate2 current, X509Certificate2 issued)
        {
            X509Certificate2[] chain = ClientChains.Of(current);
            if (ClientChains.Of(issued).Length > 0 || chain.Length == 0 || !ChainAssembler.Issued(chain[0], issued))
            {
                return false;
            }

            ClientChains.Attach(issued, chain);
            return true;
        }

        /// <summary>
        /// After a promotion, a reply still at the agreed path (a run killed between keeping it as the next certificate
        /// and removing it) has become the pair in use: removed, so it cannot stand for the next rotation's reply.
        /// </summary>
        private static CertificateMaintenanceResult WithoutStaleReply(CertificateMaintenanceResult result, RotationPaths paths, SecureString password, string issuedPath, Action<string> log)
        {
            // Only the reply that was promoted: another file saved there meanwhile (a PFX holds its own key) is not ours to remove.
            if (result.State == CertificateMaintenanceState.Completed && issuedPath == null && File.Exists(paths.NextIssuedPath)
                && HoldsCertificate(paths.NextIssuedPath, result.NextThumbprint, password))
            {
                log($"Removing '{paths.NextIssuedPath}': the certificate it held is now in use.");
                File.Delete(paths.NextIssuedPath);
            }

            return result;
        }

        private static SaleschatException NoSession(RotationPaths paths, string waiting) =>
            new SaleschatException(ErrorIds.NoSaleschatSession, ErrorKind.InvalidOperation,
                $"A next certificate waits in '{waiting}', and proving it needs a session (its environment, org, API key and server CA): run New-SaleschatSession first, or pass -Session.", null);

        private CertificateMaintenanceResult ProveAndPromote(RotationPaths paths, SecureString password, Func<X509Certificate2, MtlsTestResult> prove,
            X509Certificate2 current, CertificateMaintenanceResult result, Action<string> log)
        {
            X509Certificate2 next = _rotations.LoadNext(paths, password);
            try
            {
                result.Waiting(paths, CertificatePem.Encode(next.RawData), next.Thumbprint);
                if (prove == null)
                {
                    throw NoSession(paths, paths.NextCertificatePath);
                }

                MtlsTestResult proof = prove(next);
                if (!proof.Success)
                {
                    log($"The next certificate {next.Thumbprint} is not accepted yet: {proof.Diagnosis}.");
                    result.ProofDiagnosis = proof.Diagnosis.ToString();
                    return Pending(result, current, _utcNow(), CertificateMaintenanceState.WaitingForUpload);
                }

                log($"The next certificate {next.Thumbprint} is accepted: promoting it.");
                return Promoted(paths, password, next, current.Thumbprint);
            }
            finally
            {
                next.Dispose();
            }
        }

        /// <summary>A promotion killed half-way: its journal was written only after a proof. Proven again, then finished.</summary>
        private CertificateMaintenanceResult Resume(RotationPaths paths, SecureString password, Func<X509Certificate2, MtlsTestResult> prove, Action<string> log)
        {
            RotationJournal journal = _rotations.ReadJournal(paths);
            using (X509Certificate2 next = _rotations.LoadJournalled(paths, journal, password))
            {
                if (prove == null)
                {
                    // As Complete does without a session: the pair on disk may be half-promoted, so no session could be
                    // opened from it; the journal is ours alone and was written only after the proof.
                    log($"Finishing an interrupted promotion of {next.Thumbprint} without a session: the journal '{paths.JournalPath}' records that it was proven{(journal.Proven != null ? " at " + journal.Proven : string.Empty)}.");
                    return Promoted(paths, password, next, journal.OldThumbprint);
                }

                log($"Finishing an interrupted promotion of {next.Thumbprint} (journal '{paths.JournalPath}'): proving it again first.");
                MtlsTestResult proof = prove(next);
                if (!proof.Success)
                {
                    throw new SaleschatException(ErrorIds.NextCertificateNotAccepted, ErrorKind.InvalidOperation,
                        $"An interrupted promotion of {next.Thumbprint} waits to be finished, but Saleschat did not accept it now ({proof.Diagnosis}: {proof.Message}). Nothing more was moved; once the hello call works, run this again.",
                        paths.JournalPath);
                }

                return Promoted(paths, password, next, journal.OldThumbprint);
            }
        }

        private CertificateMaintenanceResult Promoted(RotationPaths paths, SecureString password, X509Certificate2 proven, string oldThumbprint)
        {
            CertificateRotation rotation = _rotations.Promote(paths, password, proven);
            using (X509Certificate2 promoted = rotation.CurrentCertificate)
            {
                CertificateMaintenanceResult result = CertificateMaintenanceResult.For(paths, promoted, _utcNow());
                result.State = CertificateMaintenanceState.Completed;
                result.NextThumbprint = promoted.Thumbprint;
                result.PreviousThumbprint = oldThumbprint;
                result.NextStep = rotation.NextStep;
                return result;
            }
        }

        private static CertificateMaintenanceResult Pending(CertificateMaintenanceResult result, X509Certificate2 current, DateTime now, CertificateMaintenanceState state)
        {
            string upload = result.RequestFile != null
                ? $"send {result.RequestFile} to your CA for a client certificate, save its reply (a full-chain PEM, a .p7b or the certificate) as {result.IssuedCertificatePath} and upload that certificate in Saleschat ({Messages.UploadPlace}), keeping the current certificate; the next run proves and promotes it."
                : $"upload {result.UploadFile} in Saleschat ({Messages.UploadPlace}), keeping the current certificate; the next run proves and promotes it.";
            if (CertificateExpiry.IsExpired(current, now) || IsAboutToExpire(current, now))
            {
                result.State = CertificateMaintenanceState.Expired;
                result.NextStep = CertificateExpiry.IsExpired(current, now)
                    ? $"EXPIRED: the certificate in use ({current.Thumbprint}) expired at {result.NotAfter:yyyy-MM-dd HH:mm} UTC and Saleschat refuses it. Now: {upload}"
                    : $"EXPIRES SOON: the certificate in use ({current.Thumbprint}) expires at {result.NotAfter:yyyy-MM-dd HH:mm} UTC and no next one is accepted. Now: {upload}";
                return result;
            }

            result.State = state;
            result.NextStep = state == CertificateMaintenanceState.ActionRequired
                ? $"Action required: {upload} {result.DaysUntilExpiry} days left on the current one."
                : result.RequestFile != null
                    ? $"Waiting for the CA's certificate: {upload} {result.DaysUntilExpiry} days left on the current one."
                    : $"Waiting for the upload ({result.ProofDiagnosis}): {upload} {result.DaysUntilExpiry} days left on the current one.";
            return result;
        }

        /// <summary>What a run that could not take the lock reports: the state as the files show it, changing nothing.</summary>
        private CertificateMaintenanceResult Observe(RotationPaths paths, int renewBeforeDays)
        {
            DateTime now = _utcNow();
            using (X509Certificate2 current = ClientCertificateReader.FromFiles(paths.CertificatePath, null, null))
            {
                CertificateMaintenanceResult result = CertificateMaintenanceResult.For(paths, current, now);
                result.Locked = true;
                result.State = CertificateExpiry.IsExpired(current, now) || IsAboutToExpire(current, now) ? CertificateMaintenanceState.Expired
                    : File.Exists(paths.NextCertificatePath) || File.Exists(paths.NextRequestPath) ? CertificateMaintenanceState.WaitingForUpload
                    : IsInRenewalWindow(current, renewBeforeDays, now) ? CertificateMaintenanceState.ActionRequired
                    : CertificateMaintenanceState.NothingToDo;
                result.NextStep = $"Locked: another maintenance run holds '{paths.LockPath}' and is working on this pair; this run changed nothing. The next scheduled run reports the outcome.";
                return result;
            }
        }
    }
}
