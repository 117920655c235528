using System;
using System.Runtime.InteropServices;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;

namespace Saleschat.Mtls.Keys
{
    /// <summary>
    /// The private key a session or a certificate is made from must be the user's alone, as ssh requires of its
    /// identity files ("UNPROTECTED PRIVATE KEY FILE! ... This private key will be ignored.", openssh-portable
    /// authfile.c sshkey_perm_ok): a key another user owns, or that others can read or write, is refused with the
    /// command that fixes it. Refused, not warned about: a warning scrolls past in a runbook's log while the key stays
    /// exposed, and the fix is one command. The facts are those of the file as opened for reading (no window between
    /// check and read); where the platform cannot tell (a file system without owners or modes), the key is used.
    /// </summary>
    public static class KeyFileTrust
    {
        /// <summary>Refuses the key file unless it is definitely the user's alone where the platform can tell.</summary>
        /// <summary>The check for a reader that looks at several files: only <paramref name="keyPath"/> must be the user's alone.</summary>
        public static Action<string, FileFacts> For(string keyPath) =>
            keyPath == null ? null : (Action<string, FileFacts>)((path, facts) =>
            {
                if (string.Equals(path, keyPath, StringComparison.Ordinal))
                {
                    Require(path, facts);
                }
            });

        public static void Require(string path, FileFacts facts)
        {
            string why = Why(facts);
            if (why == null)
            {
                return;
            }

            throw new SaleschatException(ErrorIds.UnprotectedKeyFile, ErrorKind.SecurityError,
                $"Refusing the private key '{path}': {why} ({facts.Detail}). A private key must be yours alone, as ssh requires of its keys; fix it with: {Fix(path, facts)}",
                path);
        }

        /// <summary>Why the key cannot be used, or null. Only definite answers count; the rest is rotation's stricter rule.</summary>
        public static string Why(FileFacts facts)
        {
            if (facts == null || facts.Kind != FileKind.Regular)
            {
                return null; // the reader names a missing file or one that is not a regular file itself
            }

            if (facts.OwnedByCurrentUser == false)
            {
                return "it belongs to another user";
            }

            if (facts.WritableByOthers == true)
            {
                return "other users can write it";
            }

            return facts.ReadableByOthers == true ? "other users can read it" : null;
        }

        /// <summary>The command line to paste: chmod (and chown) on Unix, takeown and icacls on Windows.</summary>
        public static string Fix(string path, FileFacts facts)
        {
            bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

            // Windows, in PowerShell syntax: /reset drops explicit entries granted to others, /grant:r gives the user
            // alone full control, /inheritance:r drops what the folder passes down; three calls, as icacls applies one
            // of these operations per call (learn.microsoft.com/windows-server/administration/windows-commands/icacls).
            string mode = windows
                ? $"icacls \"{path}\" /reset; icacls \"{path}\" /grant:r \"${{env:USERNAME}}:F\"; icacls \"{path}\" /inheritance:r"
                : $"chmod 600 '{path}'";
            if (facts.OwnedByCurrentUser != false)
            {
                return mode;
            }

            // takeown makes the caller the owner (learn.microsoft.com/windows-server/administration/windows-commands/takeown);
            // on Unix only root can give a file away, so the owner change needs sudo.
            return windows
                ? $"takeown /f \"{path}\"; {mode}"
                : $"sudo chown \"$(id -un)\" '{path}' && {mode}";
        }
    }
}
