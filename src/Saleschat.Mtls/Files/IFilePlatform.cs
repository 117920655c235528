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

        /// <summary>Kind, owner and who else may read or write the file; null when nothing is at the path.</summary>
        FileFacts Inspect(string path);

        /// <summary>The same for a file already open, so a check and the read that follows see one file.</summary>
        FileFacts Inspect(FileStream open);

        /// <summary>Sets the Unix permission bits exactly (the umask does not apply). Windows keeps its ACLs: no-op.</summary>
        void SetPermissions(string path, int mode);

        /// <summary>
        /// Whether a file may be renamed while this process still holds it open (Unix: yes; Windows: not with
        /// the exclusive handles we use). The writer keeps its temporary file open, and so locked against
        /// the stale-file sweep of another writer, for as long as the platform allows.
        /// </summary>
        bool CanRenameOpenFile { get; }

        /// <summary>
        /// Opens <paramref name="path"/> (created owner-only if missing) and holds an exclusive OS lock on it;
        /// null when another process or handle holds it. <see cref="ReleaseLock"/> removes the file.
        /// </summary>
        FileStream TryLock(string path);

        void ReleaseLock(FileStream held, string path);

        /// <summary>
        /// Deletes a temporary file that no writer holds any more (its process was killed); leaves one a
        /// live writer still holds. True when the file was removed.
        /// </summary>
        bool TryRemoveAbandoned(string path);
    }
}
