using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using System.Security;
using System.Text;
using System;
using Org.BouncyCastle.Crypto.Parameters;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;
using Saleschat.Mtls.Keys;

namespace Saleschat.Mtls.Rotation
{
    /// <summary>
    /// Rotation with overlap: the next pair is made beside the current one and waits for its upload;
    /// once proven, it is promoted by atomic single-file replacements recorded in a journal, so a
    /// process killed between two of them is finished by a rerun. No key is ever deleted before its
    /// copy is in place, and there is never more than one pending key. Only files this user made and
    /// nobody else can touch are promoted (<see cref="RotationFileTrust"/>), and one run at a time works
    /// on a pair (<see cref="RotationLock"/>).
    /// </summary>
    public sealed class RotationService
    {
        private static readonly Action<string, FileFacts> Vouch = RotationFileTrust.Require;

        private readonly AtomicFileWriter _writer;
        private readonly Action<string> _afterStep;
        private readonly TimeSpan? _lockWait;

        /// <param name="writer">The file writer (owner-only, atomic).</param>
        /// <param name="afterStep">Called after each promotion step by name; tests throw from it to simulate a crash.</param>
        /// <param name="lockWait">How long to wait for another run on the same pair.</param>
        public RotationService(AtomicFileWriter writer = null, Action<string> afterStep = null, TimeSpan? lockWait = null)
        {
            _writer = writer ?? new AtomicFileWriter();
            _afterStep = afterStep ?? (_ => { });
            _lockWait = lockWait;
        }

        /// <summary>Holds the pair's lock: Start and Complete take it themselves, Complete across proof and promotion.</summary>
        public RotationLock Lock(RotationPaths paths) => RotationLock.Acquire(paths, _lockWait);

        public CertificateRotation Start(RotationPaths paths, SecureString password, int? keySize, int validityDays) =>
            Start(paths, password, keySize, validityDays, null);

        /// <summary>Makes the next pair beside the current one (or returns the pending one); null when not confirmed.</summary>
        /// <param name="paths">The pair's files.</param>
        /// <param name="password">The keys' password, if they are encrypted.</param>
        /// <param name="keySize">The next key's size (default: the current one's).</param>
        /// <param name="validityDays">The next self-signed certificate's validity.</param>
        /// <param name="steps">Confirmation, or null.</param>
        /// <param name="certificateRequest">Make the next key's CSR for the enterprise CA instead of a self-signed certificate.</param>
        public CertificateRotation Start(RotationPaths paths, SecureString password, int? keySize, int validityDays, RotationSteps steps, bool certificateRequest = false)
        {
            RefuseCombinedPem(paths);
            if (steps != null && !steps.Confirmed(paths.NextKeyPath, $"Make the next key and {(certificateRequest ? "its certificate signing request" : "certificate")} beside '{paths.CertificatePath}' (or return the pending ones)"))
            {
                return null;
            }

            using (Lock(paths))
            {
                return StartHeld(paths, password, keySize, validityDays, certificateRequest);
            }
        }

        /// <summary>Start for a caller that already holds the pair's lock (<see cref="Lock"/>): scheduled maintenance.</summary>
        public CertificateRotation StartHeld(RotationPaths paths, SecureString password, int? keySize, int validityDays, bool certificateRequest = false)
        {
            {
                ThrowIfCompletionInterrupted(paths);
                X509Certificate2 current = ClientCertificateReader.FromFiles(paths.CertificatePath, paths.KeyPath, password, Keys.KeyFileTrust.For(paths.KeyPath));

                // Run again, a pending rotation is returned as it is: the next key is never made twice. A next key
                // someone else could have planted is never adopted.
                RsaPrivateCrtKeyParameters nextKey;
                X509Certificate2 next = null;
                if (File.Exists(paths.NextKeyPath))
                {
                    nextKey = ClientCertificateReader.ReadKeyFile(paths.NextKeyPath, password, Vouch);
                    next = ExistingNextCertificate(paths, nextKey, password);
                }
                else
                {
                    // A certificate left without its key (or planted) cannot match a new key: it is replaced unread.
                    nextKey = RsaKeyGenerator.Generate(keySize ?? KeySizeOf(current));
                    WriteNextKey(nextKey, paths, password);
                }

                if (certificateRequest && next == null)
                {
                    return PendingRequest(paths, current, WriteNextRequest(paths, nextKey, current));
                }

                next = next ?? CreateNextCertificate(paths, nextKey, current, validityDays);
                return Pending(paths, current, next);
            }
        }

        /// <summary>
        /// Complete's whole workflow, as <see cref="Start(RotationPaths, SecureString, int?, int, RotationSteps)"/> is
        /// Start's: under the pair's lock (a second Complete waits, then finds the work done), resume an interrupted
        /// promotion or load the pending pair, prove it with the session, promote it, and switch the session to it.
        /// Null when not confirmed.
        /// </summary>
        /// <param name="paths">The pair's files.</param>
        /// <param name="password">The keys' password, if they are encrypted.</param>
        /// <param name="steps">The caller's callbacks.</param>
        /// <param name="issuedPath">The CA's reply to the next key's CSR (Start with certificateRequest), or null.</param>
        /// <param name="chainPath">The reply's CA certificates in their own file, or null.</param>
        public CertificateRotation Complete(RotationPaths paths, SecureString password, RotationSteps steps, string issuedPath = null, string chainPath = null)
        {
            RefuseCombinedPem(paths);
            using (Lock(paths))
            {
                SaleschatSession session;
                X509Certificate2 next = null;
                try
                {
                    if (IsCompletionInterrupted(paths))
                    {
                        RotationJournal journal = ReadJournal(paths);
                        next = LoadJournalled(paths, journal, password);
                        session = steps.OptionalSession();
                        if (!steps.Confirmed(paths.CertificatePath, $"Finish the interrupted promotion of {next.Thumbprint}, keeping the old pair {journal.OldThumbprint} as '{paths.PreviousCertificatePath}'"))
                        {
                            return null;
                        }

                        // The journal is ours alone and was written only after the next certificate was proven; with a
                        // session at hand the pair is proven again before anything more moves. Without one (the pair on
                        // disk may be half-promoted, so no session could be opened from it) the journal says what to move.
                        if (session != null)
                        {
                            steps.Warn?.Invoke($"Finishing an interrupted rotation of '{paths.CertificatePath}': proving {next.Thumbprint} again first.");
                            ProveAccepted(session, next, paths, steps);
                        }
                        else
                        {
                            steps.Warn?.Invoke($"Finishing an interrupted rotation of '{paths.CertificatePath}' without a session: the journal '{paths.JournalPath}' (yours alone) records that {next.Thumbprint} was proven{(journal.Proven != null ? " at " + journal.Proven : string.Empty)}. Run New-SaleschatSession with the promoted pair afterwards.");
                        }
                    }
                    else
                    {
                        session = steps.RequiredSession();
                        next = issuedPath != null ? ReadIssued(paths, issuedPath, chainPath, password) : LoadNext(paths, password);
                        if (!steps.Confirmed(paths.CertificatePath, $"Promote {next.Thumbprint} from '{issuedPath ?? paths.NextCertificatePath}', keeping the current pair as '{paths.PreviousCertificatePath}'"))
                        {
                            return null;
                        }

                        if (issuedPath != null)
                        {
                            AcceptIssued(paths, next);
                        }

                        ProveAccepted(session, next, paths, steps);
                    }

                    // The proven copy is needed only for its thumbprint: the promoted pair is read again from its files.
                    CertificateRotation rotation = Promote(paths, password, next);
                    session?.SwitchCertificate(rotation.CurrentCertificate);
                    return rotation;
                }
                finally
                {
                    // Released on every path (refused, -WhatIf, promoted), so its imported key leaves no file behind.
                    next?.Dispose();
                }
            }
        }

        /// <summary>The hello call with the next certificate, through the session's host, org and trust.</summary>
        private static void ProveAccepted(SaleschatSession session, X509Certificate2 next, RotationPaths paths, RotationSteps steps)
        {
            using (SaleschatSession probe = session.WithCertificate(next))
            {
                MtlsTestResult result = steps.Prove(probe);
                if (!result.Success)
                {
                    throw new SaleschatException(ErrorIds.NextCertificateNotAccepted, ErrorKind.InvalidOperation,
                        Messages.NextCertificateNotAccepted(next.Thumbprint, result.Diagnosis.ToString(), result.Message, paths.NextCertificatePath),
                        paths.NextCertificatePath);
                }

                steps.Log?.Invoke($"The next certificate {next.Thumbprint} is accepted: {result.Message}");
            }
        }

        /// <summary>Loads the pending next pair (for its proof), or explains that there is none.</summary>
        public X509Certificate2 LoadNext(RotationPaths paths, SecureString password)
        {
            if (!File.Exists(paths.NextKeyPath) || !File.Exists(paths.NextCertificatePath))
            {
                string last = File.Exists(paths.PreviousCertificatePath)
                    ? $" (the last rotation is complete: the old pair is kept as {Path.GetFileName(paths.PreviousCertificatePath)})"
                    : string.Empty;
                throw new SaleschatException(ErrorIds.NoPendingRotation, ErrorKind.ObjectNotFound,
                    $"There is no pending rotation for '{paths.CertificatePath}'{last}: {Path.GetFileName(paths.NextCertificatePath)} and {Path.GetFileName(paths.NextKeyPath)} are missing. Run Start-SaleschatCertificateRotation first.",
                    paths.CertificatePath);
            }

            return ClientCertificateReader.FromFiles(paths.NextCertificatePath, paths.NextKeyPath, password, Vouch);
        }

        public bool IsCompletionInterrupted(RotationPaths paths) => File.Exists(paths.JournalPath);

        public RotationJournal ReadJournal(RotationPaths paths) => RotationJournal.Read(paths.JournalPath);

        /// <summary>
        /// The pair an interrupted completion was promoting, wherever the kill left it: still at next.*, or
        /// already at the current paths (after the key and certificate moves). It must be the one the journal names.
        /// </summary>
        public X509Certificate2 LoadJournalled(RotationPaths paths, RotationJournal journal, SecureString password)
        {
            bool nextStillThere = File.Exists(paths.NextKeyPath) && File.Exists(paths.NextCertificatePath);
            X509Certificate2 pair = nextStillThere
                ? ClientCertificateReader.FromFiles(paths.NextCertificatePath, paths.NextKeyPath, password, Vouch)
                : ClientCertificateReader.FromFiles(paths.CertificatePath, paths.KeyPath, password);
            if (!string.Equals(pair.Thumbprint, journal.NextThumbprint, StringComparison.OrdinalIgnoreCase))
            {
                throw JournalMismatch(paths, journal, nextStillThere ? paths.NextCertificatePath : paths.CertificatePath, pair.Thumbprint, nothingMoved: true);
            }

            return pair;
        }

        /// <summary>Promotes the next pair; resumes an interrupted promotion when a journal exists.</summary>
        /// <param name="paths">The pair's files.</param>
        /// <param name="password">The keys' password, if they are encrypted.</param>
        /// <param name="provenNext">The next certificate the caller already loaded and proved, so it is not read again.</param>
        public CertificateRotation Promote(RotationPaths paths, SecureString password, X509Certificate2 provenNext = null)
        {
            RotationJournal journal;
            if (File.Exists(paths.JournalPath))
            {
                journal = RotationJournal.Read(paths.JournalPath);
            }
            else if (provenNext != null)
            {
                journal = BeginJournal(paths, provenNext);
            }
            else
            {
                // Loaded here only for its thumbprint: released at once, so its imported key leaves no file behind.
                using (X509Certificate2 next = LoadNext(paths, password))
                {
                    journal = BeginJournal(paths, next);
                }
            }

            KeepPrevious(paths, journal, password);
            _afterStep("previous");

            // The key first, then the certificate: each replacement is atomic, and the next files stay
            // until both are in place, so a rerun can always redo these two steps.
            if (File.Exists(paths.NextKeyPath) && File.Exists(paths.NextCertificatePath))
            {
                Copy(paths.NextKeyPath, paths.KeyPath, ownerOnly: true, trusted: true);
                _afterStep("key");
                Copy(paths.NextCertificatePath, paths.CertificatePath, ownerOnly: false, trusted: true);
                _afterStep("certificate");
                File.Delete(paths.NextKeyPath);
                File.Delete(paths.NextCertificatePath);
                File.Delete(paths.NextRequestPath);
                _afterStep("cleanup");
            }

            X509Certificate2 current = ClientCertificateReader.FromFiles(paths.CertificatePath, paths.KeyPath, password);
            if (!string.Equals(current.Thumbprint, journal.NextThumbprint, StringComparison.OrdinalIgnoreCase))
            {
                throw JournalMismatch(paths, journal, paths.CertificatePath, current.Thumbprint, nothingMoved: false);
            }

            File.Delete(paths.JournalPath);
            string previousThumbprint;
            using (X509Certificate2 previous = ClientCertificateReader.FromFiles(paths.PreviousCertificatePath, null, null))
            {
                previousThumbprint = previous.Thumbprint;
            }

            return new CertificateRotation(RotationState.Completed, paths, current, current, CertificatePem.Encode(current.RawData),
                $"Done: {Path.GetFileName(paths.CertificatePath)} is now {current.Thumbprint} (expires {current.NotAfter:yyyy-MM-dd}). " + Messages.RemoveOldCertificate(previousThumbprint, Path.GetFileName(paths.PreviousCertificatePath)));
        }

        /// <summary>
        /// The CA's reply for the pending next key (a full-chain PEM, a .p7b, or a certificate with <paramref name="chainPath"/>),
        /// read and checked against that key; nothing is written (see <see cref="AcceptIssued"/>).
        /// </summary>
        public X509Certificate2 ReadIssued(RotationPaths paths, string issuedPath, string chainPath, SecureString password)
        {
            if (!File.Exists(paths.NextKeyPath))
            {
                throw new SaleschatException(ErrorIds.NoPendingRotation, ErrorKind.ObjectNotFound,
                    $"There is no pending next key for '{paths.CertificatePath}' ({Path.GetFileName(paths.NextKeyPath)} is missing), so '{issuedPath}' cannot be its certificate. Run Start-SaleschatCertificateRotation -CertificateRequest first.",
                    issuedPath);
            }

            // The next key is vouched for as every rotation file is; the CA's reply is public data from elsewhere.
            ClientCertificateReader.ReadKeyFile(paths.NextKeyPath, password, Vouch);
            return ClientCertificateReader.FromFiles(issuedPath, paths.NextKeyPath, password, Keys.KeyFileTrust.For(paths.NextKeyPath), chainPath);
        }

        /// <summary>Stores the CA's reply as the next certificate (leaf, then its chain: a full-chain PEM), owner-only until promoted.</summary>
        public void AcceptIssued(RotationPaths paths, X509Certificate2 issued)
        {
            var pem = new StringBuilder(CertificatePem.Encode(issued.RawData));
            foreach (X509Certificate2 issuer in ClientChains.Of(issued))
            {
                pem.Append(CertificatePem.Encode(issuer.RawData));
            }

            _writer.Write(paths.NextCertificatePath, Encoding.ASCII.GetBytes(pem.ToString()), ownerOnly: true, overwrite: true, existsErrorId: ErrorIds.CertificateFileExists);
        }

        /// <summary>
        /// A single PEM file holding certificate and key cannot be rotated in place (the next pair and previous
        /// copies are separate files, and writing the certificate would drop the key): refused up front.
        /// </summary>
        public static void RefuseCombinedPem(RotationPaths paths)
        {
            StringComparison comparison = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            bool samePath = string.Equals(Path.GetFullPath(paths.CertificatePath), Path.GetFullPath(paths.KeyPath), comparison);
            if (!samePath && !HoldsPrivateKey(paths.CertificatePath))
            {
                return;
            }

            string folder = Path.GetDirectoryName(paths.CertificatePath) ?? ".";
            string crt = Path.Combine(folder, Path.GetFileNameWithoutExtension(paths.CertificatePath) + ".crt");
            string key = Path.Combine(folder, Path.GetFileNameWithoutExtension(paths.CertificatePath) + ".key");
            if (string.Equals(crt, paths.CertificatePath, comparison))
            {
                crt = Path.Combine(folder, Path.GetFileNameWithoutExtension(paths.CertificatePath) + ".cert.pem");
            }

            throw new SaleschatException(ErrorIds.CombinedPemNotRotatable, ErrorKind.InvalidArgument,
                $"'{paths.CertificatePath}' holds both the certificate and the private key; a rotation keeps them in two files. Split it first: "
                + $"openssl x509 -in '{paths.CertificatePath}' -out '{crt}'; openssl pkey -in '{paths.CertificatePath}' -out '{key}'; chmod 600 '{key}'. "
                + $"Then use -CertificatePath '{crt}' -KeyPath '{key}' (for the rotation and your sessions). Nothing was changed.",
                paths.CertificatePath);
        }

        private static bool HoldsPrivateKey(string certificatePath)
        {
            try
            {
                byte[] content = BoundedFileReader.Read(certificatePath, BoundedFileReader.PfxLimit, ErrorIds.CertificateFileNotFound, "certificate");
                return Encoding.UTF8.GetString(content).IndexOf("PRIVATE KEY-----", StringComparison.Ordinal) >= 0;
            }
            catch (SaleschatException)
            {
                return false; // reading the pair reports it properly
            }
        }

        private void WriteNextKey(RsaPrivateCrtKeyParameters nextKey, RotationPaths paths, SecureString password)
        {
            try
            {
                ClientKeyFactory.WriteKeyFile(nextKey, paths.NextKeyPath, password, overwrite: false);
            }
            catch (SaleschatException ex) when (ex.ErrorId == ErrorIds.KeyFileExists)
            {
                // Start has no -Force: the next key appeared while this one was being made (another Start).
                throw new SaleschatException(ErrorIds.RotationInProgress, ErrorKind.ResourceUnavailable,
                    $"'{paths.NextKeyPath}' appeared while this Start was making it: another Start-SaleschatCertificateRotation ran at the same time. Run Start again to get the pending rotation.",
                    paths.NextKeyPath, ex);
            }
        }

        private X509Certificate2 CreateNextCertificate(RotationPaths paths, RsaPrivateCrtKeyParameters nextKey, X509Certificate2 current, int validityDays)
        {
            // Owner-only until promoted, like the rest of a pending rotation: no one else may swap it before the upload.
            X509Certificate2 next = ClientCertificateFactory.Create(nextKey, CertificateSubject.FromDistinguishedName(current.SubjectName.RawData), validityDays, null, overwrite: false);
            _writer.Write(paths.NextCertificatePath, Encoding.ASCII.GetBytes(CertificatePem.Encode(next.RawData)), ownerOnly: true, overwrite: true, existsErrorId: ErrorIds.CertificateFileExists);
            return next;
        }

        private CertificateSigningRequest WriteNextRequest(RotationPaths paths, RsaPrivateCrtKeyParameters nextKey, X509Certificate2 current) =>
            // The same subject as the current certificate; the CSR is public, and rewritten as is on a rerun (PKCS#1 v1.5
            // signatures are deterministic, so the same key gives the same bytes).
            CertificateRequestFactory.Create(nextKey, CertificateSubject.FromDistinguishedName(current.SubjectName.RawData), paths.NextRequestPath, overwrite: true);

        private static CertificateRotation PendingRequest(RotationPaths paths, X509Certificate2 current, CertificateSigningRequest request) =>
            new CertificateRotation(RotationState.Pending, paths, current, null, request.Pem,
                $"Send {Path.GetFileName(paths.NextRequestPath)} (or Pem) to your CA for a client certificate. When it returns the certificate (a full-chain PEM, a .p7b, or the certificate and its chain), run Complete-SaleschatCertificateRotation -CertificatePath '{paths.CertificatePath}' -KeyPath '{paths.KeyPath}' -IssuedCertificatePath <the reply> [-ChainPath <chain>].");

        private RotationJournal BeginJournal(RotationPaths paths, X509Certificate2 next)
        {
            // Only the thumbprint of the current certificate is recorded: its key need not be opened again.
            using (X509Certificate2 current = ClientCertificateReader.FromFiles(paths.CertificatePath, null, null))
            {
                if (string.Equals(current.Thumbprint, next.Thumbprint, StringComparison.OrdinalIgnoreCase))
                {
                    throw new SaleschatException(ErrorIds.RotationStateInconsistent, ErrorKind.InvalidData,
                        $"'{paths.CertificatePath}' already holds the next certificate {next.Thumbprint}: the promotion is done. Nothing was moved; delete '{paths.NextCertificatePath}' and '{paths.NextKeyPath}' once you have checked them.",
                        paths.CertificatePath);
                }

                return RotationJournal.Begin(paths.JournalPath, current.Thumbprint, next.Thumbprint, _writer);
            }
        }

        /// <summary>
        /// Copies the old pair to previous, unless an earlier run already did. Only the old pair the journal names
        /// is ever copied there: never the next one (a second completion, a half-promoted pair), so previous
        /// never equals current and the old key is never lost.
        /// </summary>
        private void KeepPrevious(RotationPaths paths, RotationJournal journal, SecureString password)
        {
            if (PreviousHolds(paths, journal.OldThumbprint, password))
            {
                return;
            }

            X509Certificate2 current;
            try
            {
                current = ClientCertificateReader.FromFiles(paths.CertificatePath, paths.KeyPath, password);
            }
            catch (SaleschatException ex)
            {
                throw OldPairGone(paths, journal, Secrets.PlatformMessage.Of(ex), ex);
            }

            if (!string.Equals(current.Thumbprint, journal.OldThumbprint, StringComparison.OrdinalIgnoreCase))
            {
                throw OldPairGone(paths, journal, $"'{paths.CertificatePath}' holds {current.Thumbprint}.", null);
            }

            Copy(paths.KeyPath, paths.PreviousKeyPath, ownerOnly: true, trusted: false);
            Copy(paths.CertificatePath, paths.PreviousCertificatePath, ownerOnly: false, trusted: false);
        }

        private static SaleschatException JournalMismatch(RotationPaths paths, RotationJournal journal, string where, string holds, bool nothingMoved) =>
            new SaleschatException(ErrorIds.RotationStateInconsistent, ErrorKind.InvalidData,
                $"The rotation journal names certificate {journal.NextThumbprint}, but '{where}' holds {holds}. {(nothingMoved ? "Nothing was moved; check" : "Check")} the files by hand before deleting '{paths.JournalPath}'.",
                paths.JournalPath);

        private static SaleschatException OldPairGone(RotationPaths paths, RotationJournal journal, string found, Exception inner) =>
            new SaleschatException(ErrorIds.RotationStateInconsistent, ErrorKind.InvalidData,
                $"The old pair {journal.OldThumbprint} is neither in '{paths.PreviousCertificatePath}' nor at '{paths.CertificatePath}' any more ({found}) Nothing more was moved; check the files by hand before deleting '{paths.JournalPath}'.",
                paths.JournalPath, inner);

        private static bool PreviousHolds(RotationPaths paths, string thumbprint, SecureString password)
        {
            if (!File.Exists(paths.PreviousCertificatePath) || !File.Exists(paths.PreviousKeyPath))
            {
                return false;
            }

            try
            {
                using (X509Certificate2 previous = ClientCertificateReader.FromFiles(paths.PreviousCertificatePath, paths.PreviousKeyPath, password))
                {
                    return string.Equals(previous.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase);
                }
            }
            catch (SaleschatException)
            {
                return false; // a half-copied or stale previous pair is simply copied again
            }
        }

        private static X509Certificate2 ExistingNextCertificate(RotationPaths paths, RsaPrivateCrtKeyParameters nextKey, SecureString password)
        {
            if (!File.Exists(paths.NextCertificatePath))
            {
                return null;
            }

            using (X509Certificate2 next = ClientCertificateReader.FromFiles(paths.NextCertificatePath, null, null, Vouch))
            {
                // A certificate left by an interrupted start without its key's match is made again.
                return KeyMatch.Matches(next, nextKey) ? ClientCertificateReader.FromFiles(paths.NextCertificatePath, paths.NextKeyPath, password, Vouch) : null;
            }
        }

        private void Copy(string source, string destination, bool ownerOnly, bool trusted)
        {
            long limit = ownerOnly ? BoundedFileReader.PemLimit : BoundedFileReader.PfxLimit;
            byte[] content = BoundedFileReader.Read(source, limit, ErrorIds.FileReadFailed, ownerOnly ? "key" : "certificate",
                trusted ? (Action<FileFacts>)(facts => RotationFileTrust.Require(source, facts)) : null);
            _writer.Write(destination, content, ownerOnly, overwrite: true, existsErrorId: ErrorIds.OutputFileExists);
        }

        private static void ThrowIfCompletionInterrupted(RotationPaths paths)
        {
            if (File.Exists(paths.JournalPath))
            {
                throw new SaleschatException(ErrorIds.RotationInProgress, ErrorKind.InvalidOperation,
                    $"'{paths.JournalPath}' exists. " + Messages.RotationInterrupted(paths.CertificatePath, paths.KeyPath),
                    paths.JournalPath);
            }
        }

        private static int KeySizeOf(X509Certificate2 certificate)
        {
            using (var rsa = certificate.GetRSAPublicKey())
            {
                return rsa?.KeySize ?? 2048;
            }
        }

        private static CertificateRotation Pending(RotationPaths paths, X509Certificate2 current, X509Certificate2 next) =>
            new CertificateRotation(RotationState.Pending, paths, current, next, CertificatePem.Encode(next.RawData),
                Messages.UploadCertificate(Path.GetFileName(paths.NextCertificatePath) + " (or paste Pem)") + $", keeping the current one. Then run Complete-SaleschatCertificateRotation -CertificatePath '{paths.CertificatePath}' -KeyPath '{paths.KeyPath}'.");
    }
}
