using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;

namespace Saleschat.Mtls.Files
{
    public static class FilePlatform
    {
        /// <summary>The implementation for the operating system we run on, chosen once.</summary>
        public static IFilePlatform Current { get; } =
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? (IFilePlatform)new WindowsFilePlatform() : new UnixFilePlatform();

        /// <summary>
        /// How a person makes <paramref name="path"/> owner-only here, as a command to paste. chmod means nothing on
        /// Windows: there icacls, with the trustees read from the file's own ACL (see <see cref="IcaclsAdvice"/>).
        /// </summary>
        public static string OwnerOnlyAdvice(string path) =>
            Current is WindowsFilePlatform windows
                ? windows.OwnerOnlyAdvice(path)
                : $"chmod 600 '{path}'";

        /// <summary>
        /// The icacls command that leaves <paramref name="path"/> to <paramref name="userSid"/> alone: /inheritance:r drops
        /// the inherited entries, /grant:r replaces the user's own explicit grants with full control, and /remove:g drops
        /// the explicit grants of everyone else the check listed (an explicit entry survives /inheritance:r). Every
        /// trustee is given by SID, written "*S-1-…" as icacls asks for a SID in numerical form, never by a name such as
        /// %USERNAME%, which is localized and ambiguous between a local and a domain account ("icacls",
        /// learn.microsoft.com/windows-server/administration/windows-commands/icacls: /grant[:r], /remove[:g], and
        /// "Sid may be in a numerical form or a friendly name form. If you use a numerical form, affix the wildcard
        /// character * to the beginning of the SID"). Plain text, so it is unit-tested on any platform.
        /// </summary>
        public static string IcaclsAdvice(string path, string userSid, IEnumerable<string> otherSids)
        {
            List<string> others = (otherSids ?? Enumerable.Empty<string>())
                .Where(sid => sid != null && sid.StartsWith("S-", System.StringComparison.OrdinalIgnoreCase) && !string.Equals(sid, userSid, System.StringComparison.OrdinalIgnoreCase))
                .Distinct(System.StringComparer.OrdinalIgnoreCase)
                .ToList();
            string remove = others.Count == 0 ? string.Empty : " /remove:g " + string.Join(" ", others.Select(sid => $"'*{sid}'"));
            return $"icacls '{path.Replace("'", "''")}' /inheritance:r /grant:r '*{userSid}:F'{remove}";
        }
    }
}
