using System;
using System.Globalization;
using System.Text;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;

namespace Saleschat.Mtls.Rotation
{
    /// <summary>
    /// The record that a completion has begun: the thumbprints of the old and the next certificate, and when
    /// the next one was proven. It is written owner-only, only after the proof, and read only when it is
    /// still ours alone (<see cref="RotationFileTrust"/>); while it exists, a rerun finishes the promotion.
    /// </summary>
    public sealed class RotationJournal
    {
        private const long Limit = 64 * 1024;

        private RotationJournal(string oldThumbprint, string nextThumbprint, string proven)
        {
            OldThumbprint = oldThumbprint;
            NextThumbprint = nextThumbprint;
            Proven = proven;
        }

        public string OldThumbprint { get; }

        public string NextThumbprint { get; }

        /// <summary>When the next certificate was proven (UTC, ISO 8601); null in journals of older versions.</summary>
        public string Proven { get; }

        public static RotationJournal Begin(string path, string oldThumbprint, string nextThumbprint, AtomicFileWriter writer)
        {
            string proven = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            string text = $"old={oldThumbprint}\nnext={nextThumbprint}\nproven={proven}\n";
            try
            {
                writer.Write(path, Encoding.ASCII.GetBytes(text), ownerOnly: true, overwrite: false, existsErrorId: ErrorIds.RotationInProgress);
            }
            catch (SaleschatException ex) when (ex.ErrorId == ErrorIds.RotationInProgress)
            {
                throw new SaleschatException(ErrorIds.RotationInProgress, ErrorKind.ResourceUnavailable,
                    $"Another completion of this rotation began meanwhile ('{path}' appeared). Run Complete-SaleschatCertificateRotation again once it has finished.", path, ex);
            }

            return new RotationJournal(oldThumbprint, nextThumbprint, proven);
        }

        public static RotationJournal Read(string path)
        {
            byte[] content = BoundedFileReader.Read(path, Limit, ErrorIds.NoPendingRotation, "rotation journal",
                facts => RotationFileTrust.Require(path, facts));
            string oldThumbprint = null, nextThumbprint = null, proven = null;
            foreach (string line in Encoding.ASCII.GetString(content).Split('\n'))
            {
                if (line.StartsWith("old=", StringComparison.Ordinal)) oldThumbprint = line.Substring(4).Trim();
                if (line.StartsWith("next=", StringComparison.Ordinal)) nextThumbprint = line.Substring(5).Trim();
                if (line.StartsWith("proven=", StringComparison.Ordinal)) proven = line.Substring(7).Trim();
            }

            if (!IsThumbprint(oldThumbprint) || !IsThumbprint(nextThumbprint))
            {
                throw new SaleschatException(ErrorIds.RotationJournalDamaged, ErrorKind.InvalidData,
                    $"The rotation journal '{path}' is damaged. Check the .crt/.key, .next.* and .previous.* files by hand, then delete the journal.", path);
            }

            return new RotationJournal(oldThumbprint, nextThumbprint, proven);
        }

        private static bool IsThumbprint(string text)
        {
            if (text == null || (text.Length != 40 && text.Length != 64))
            {
                return false;
            }

            foreach (char c in text)
            {
                if (!Uri.IsHexDigit(c))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
