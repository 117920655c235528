using System;
using System.IO;
using System.Security;
using System.Security.Cryptography.X509Certificates;
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
    /// copy is in place, and there is never more than one pending key.
    /// </summary>
    public sealed class RotationService
    {
        private readonly AtomicFileWriter _writer;
        private readonly Action<string> _afterStep;

        /// <param name="writer">The file writer (owner-only, atomic).</param>
        /// <param name="afterStep">Called after each promotion step by name; tests throw from it to simulate a crash.</param>
        public RotationService(AtomicFileWriter writer = null, Action<string> afterStep = null)
        {
            _writer = writer ?? new AtomicFileWriter();
            _afterStep = afterStep ?? (_ => { });
        }

        public CertificateRotation Start(RotationPaths paths, SecureString password, int? keySize, int validityDays)
        {
            ThrowIfCompletionInterrupted(paths);
            X509Certificate2 current = ClientCertificateReader.FromFiles(paths.CertificatePath, paths.KeyPath, password);

            // Run again, a pending rotation is returned as it is: the next key is never made twice.
            RsaPrivateCrtKeyParameters nextKey;
            if (File.Exists(paths.NextKeyPath))
            {
                nextKey = ClientCertificateReader.ReadKeyFile(paths.NextKeyPath, password);
            }
            else
            {
                nextKey = RsaKeyGenerator.Generate(keySize ?? KeySizeOf(current));
                ClientKeyFactory.WriteKeyFile(nextKey, paths.NextKeyPath, password, overwrite: false);
            }

            X509Certificate2 next = ExistingNextCertificate(paths, nextKey, password)
                ?? ClientCertificateFactory.Create(nextKey, CertificateSubject.FromDistinguishedName(current.SubjectName.RawData),
                    validityDays, paths.NextCertificatePath, overwrite: true);

            return Pending(paths, current, next);
        }

        /// <summary>Loads the pending next pair (for its proof), or explains that there is none.</summary>
        public X509Certificate2 LoadNext(RotationPaths paths, SecureString password)
        {
            if (!File.Exists(paths.NextKeyPath) || !File.Exists(paths.NextCertificatePath))
            {
                throw new SaleschatException(ErrorIds.NoPendingRotation, ErrorKind.ObjectNotFound,
                    $"There is no pending rotation for '{paths.CertificatePath}' ({Path.GetFileName(paths.NextCertificatePath)} and {Path.GetFileName(paths.NextKeyPath)} are missing). Run Start-SaleschatCertificateRotation first.",
                    paths.CertificatePath);
            }

            return ClientCertificateReader.FromFiles(paths.NextCertificatePath, paths.NextKeyPath, password);
        }

        public bool IsCompletionInterrupted(RotationPaths paths) => File.Exists(paths.JournalPath);

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
                Copy(paths.NextKeyPath, paths.KeyPath, ownerOnly: true);
                _afterStep("key");
                Copy(paths.NextCertificatePath, paths.CertificatePath, ownerOnly: false);
                _afterStep("certificate");
                File.Delete(paths.NextKeyPath);
                File.Delete(paths.NextCertificatePath);
                _afterStep("cleanup");
            }

            X509Certificate2 current = ClientCertificateReader.FromFiles(paths.CertificatePath, paths.KeyPath, password);
            if (!string.Equals(current.Thumbprint, journal.NextThumbprint, StringComparison.OrdinalIgnoreCase))
            {
                throw new SaleschatException(ErrorIds.RotationStateInconsistent, ErrorKind.InvalidData,
                    $"The rotation journal names certificate {journal.NextThumbprint}, but '{paths.CertificatePath}' holds {current.Thumbprint}. Check the files by hand before deleting '{paths.JournalPath}'.",
                    paths.JournalPath);
            }

            File.Delete(paths.JournalPath);
            string previousThumbprint;
            using (var previous = new X509Certificate2(CertificatePem.FirstCertificateDer(File.ReadAllText(paths.PreviousCertificatePath))))
            {
                previousThumbprint = previous.Thumbprint;
            }

            return new CertificateRotation(RotationState.Completed, paths, current, current, CertificatePem.Encode(current.RawData),
                $"Done: {Path.GetFileName(paths.CertificatePath)} is now {current.Thumbprint} (expires {current.NotAfter:yyyy-MM-dd}). The old certificate {previousThumbprint} is kept as {Path.GetFileName(paths.PreviousCertificatePath)}; remove it from Settings > mTLS once nothing uses it.");
        }

        private RotationJournal BeginJournal(RotationPaths paths, X509Certificate2 next)
        {
            // Only the thumbprint of the current certificate is recorded: its key need not be opened again.
            using (X509Certificate2 current = ClientCertificateReader.FromFiles(paths.CertificatePath, null, null))
            {
                return RotationJournal.Begin(paths.JournalPath, current.Thumbprint, next.Thumbprint, _writer);
            }
        }

        /// <summary>Copies the old pair to previous, unless an earlier run already did.</summary>
        private void KeepPrevious(RotationPaths paths, RotationJournal journal, SecureString password)
        {
            if (PreviousHolds(paths, journal.OldThumbprint, password))
            {
                return;
            }

            Copy(paths.KeyPath, paths.PreviousKeyPath, ownerOnly: true);
            Copy(paths.CertificatePath, paths.PreviousCertificatePath, ownerOnly: false);
        }

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

            using (X509Certificate2 next = ClientCertificateReader.FromFiles(paths.NextCertificatePath, null, null))
            {
                // A certificate left by an interrupted start without its key's match is made again.
                return KeyMatch.Matches(next, nextKey) ? ClientCertificateReader.FromFiles(paths.NextCertificatePath, paths.NextKeyPath, password) : null;
            }
        }

        private void Copy(string source, string destination, bool ownerOnly) =>
            _writer.Write(destination, File.ReadAllBytes(source), ownerOnly, overwrite: true, existsErrorId: ErrorIds.OutputFileExists);

        private static void ThrowIfCompletionInterrupted(RotationPaths paths)
        {
            if (File.Exists(paths.JournalPath))
            {
                throw new SaleschatException(ErrorIds.RotationInProgress, ErrorKind.InvalidOperation,
                    $"A completion of this rotation was interrupted ('{paths.JournalPath}' exists). Run Complete-SaleschatCertificateRotation again to finish it.", paths.JournalPath);
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
                $"Upload {Path.GetFileName(paths.NextCertificatePath)} (or paste Pem) in Saleschat: Settings > mTLS > Upload Certificate, keeping the current one. Then run Complete-SaleschatCertificateRotation -CertificatePath '{paths.CertificatePath}' -KeyPath '{paths.KeyPath}'.");
    }
}
