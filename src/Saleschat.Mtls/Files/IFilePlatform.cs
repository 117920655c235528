using System.IO;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// The file operations whose implementation differs between Windows and Unix. Chosen once, by
    /// <see cref="FilePlatform.Current"/>; everything else in the module is platform-neutral.
    /// </summary>
    public interface IFilePlatform
    {
        /// <summary>
        /// Creates a new file (failing if it exists). With <paramref name="ownerOnly"/> the file is
        /// owner-only from the instant it exists: no window in which another user could open it.
        /// </summary>
        Stream CreateNew(string path, bool ownerOnly);

        /// <summary>Moves <paramref name="source"/> over <paramref name="destination"/> in one atomic step.</summary>
        void ReplaceAtomically(string source, string destination);

        /// <summary>
        /// Whether anyone but the owner can read the file. Null when the platform cannot tell;
        /// <paramref name="detail"/> says what was found (a mode such as 0644, or the trustees).
        /// </summary>
        bool? IsReadableByOthers(string path, out string detail);
    }
}
