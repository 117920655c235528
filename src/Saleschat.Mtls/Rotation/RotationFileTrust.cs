using System.IO;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;

namespace Saleschat.Mtls.Rotation
{
    /// <summary>
    /// Rotation promotes files to be the pair every later call authenticates with, so it uses only files it
    /// can vouch for: regular files owned by the current user that nobody else can read or write. Anyone who
    /// can write the key folder could otherwise plant a next key (theirs) or a journal, and have it installed.
    /// </summary>
    public static class RotationFileTrust
    {
        /// <summary>Refuses the file at <paramref name="path"/> unless it is one we can vouch for; a missing file passes.</summary>
        public static void Require(string path, IFilePlatform platform = null)
        {
            FileFacts facts = (platform ?? FilePlatform.Current).Inspect(path);
            if (facts != null)
            {
                Require(path, facts);
            }
        }

        /// <summary>The same check for facts already gathered (a file as opened for reading).</summary>
        public static void Require(string path, FileFacts facts)
        {
            string why = Why(facts);
            if (why == null)
            {
                return;
            }

            throw new SaleschatException(ErrorIds.UntrustedRotationFile, ErrorKind.SecurityError,
                $"Refusing '{path}': {why} ({facts.Detail}). A rotation uses only files it can vouch for: made by you, and not readable or writable by anyone else. "
                + $"If you did not make it, someone else can write to '{Path.GetDirectoryName(path)}': delete the file, make the folder yours alone (chmod 700 on Unix), and run Start-SaleschatCertificateRotation again. "
                + "If you made it, give it back to your account with an owner-only mode (chmod 600) or ACL.",
                path);
        }

        /// <summary>Why a file cannot be vouched for, or null when it can.</summary>
        public static string Why(FileFacts facts)
        {
            if (facts.Kind != FileKind.Regular)
            {
                return "it is " + FileFacts.Describe(facts.Kind);
            }

            if (facts.OwnedByCurrentUser != true)
            {
                return facts.OwnedByCurrentUser == false ? "it belongs to another user" : "its owner cannot be read";
            }

            if (facts.WritableByOthers != false)
            {
                return facts.WritableByOthers == true ? "other users can write it" : "who else can write it cannot be read";
            }

            if (facts.ReadableByOthers != false)
            {
                return facts.ReadableByOthers == true ? "other users can read it" : "who else can read it cannot be read";
            }

            return null;
        }
    }
}
