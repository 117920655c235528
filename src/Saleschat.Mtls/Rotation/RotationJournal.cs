using System;
using System.IO;
using System.Text;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;

namespace Saleschat.Mtls.Rotation
{
    /// <summary>
    /// The record that a completion has begun: the thumbprints of the old and the next certificate.
    /// While it exists, a rerun finishes the promotion instead of starting anything new.
    /// </summary>
    public sealed class RotationJournal
    {
        private RotationJournal(string oldThumbprint, string nextThumbprint)
        {
            OldThumbprint = oldThumbprint;
            NextThumbprint = nextThumbprint;
        }

        public string OldThumbprint { get; }

        public string NextThumbprint { get; }

        public static RotationJournal Begin(string path, string oldThumbprint, string nextThumbprint, AtomicFileWriter writer)
        {
            string text = $"old={oldThumbprint}\nnext={nextThumbprint}\n";
            writer.Write(path, Encoding.ASCII.GetBytes(text), ownerOnly: false, overwrite: false, existsErrorId: ErrorIds.RotationInProgress);
            return new RotationJournal(oldThumbprint, nextThumbprint);
        }

        public static RotationJournal Read(string path)
        {
            string oldThumbprint = null, nextThumbprint = null;
            foreach (string line in File.ReadAllLines(path))
            {
                if (line.StartsWith("old=", StringComparison.Ordinal)) oldThumbprint = line.Substring(4).Trim();
                if (line.StartsWith("next=", StringComparison.Ordinal)) nextThumbprint = line.Substring(5).Trim();
            }

            if (oldThumbprint == null || nextThumbprint == null)
            {
                throw new SaleschatException(ErrorIds.RotationJournalDamaged, ErrorKind.InvalidData,
                    $"The rotation journal '{path}' is damaged. Check the .crt/.key, .next.* and .previous.* files by hand, then delete the journal.", path);
            }

            return new RotationJournal(oldThumbprint, nextThumbprint);
        }
    }
}
