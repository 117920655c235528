using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// Writes a file all at once or not at all: the content goes to a temporary file in the same folder
    /// (same volume, so the final rename is atomic), which is then renamed into place. An existing file
    /// is replaced only when asked, and keeps its mode; a new one gets 0644 or 0600 whatever the umask.
    /// Temporary files for the same target left by a killed process (they may hold a whole private key)
    /// are removed by the next write.
    /// </summary>
    public sealed class AtomicFileWriter
    {
        private readonly IFilePlatform _platform;

        public AtomicFileWriter(IFilePlatform platform = null)
        {
            _platform = platform ?? FilePlatform.Current;
        }

        /// <param name="path">Full path of the file to write.</param>
        /// <param name="content">The bytes to write.</param>
        /// <param name="ownerOnly">Create the file readable by its owner alone (private keys).</param>
        /// <param name="overwrite">Replace an existing file (-Force).</param>
        /// <param name="existsErrorId">The error id for "the file is already there" (KeyFileExists, ...).</param>
        public void Write(string path, byte[] content, bool ownerOnly, bool overwrite, string existsErrorId)
        {
            FilePaths.ThrowIfInvalid(path);
            string directory = Path.GetDirectoryName(path);
            if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
            {
                throw new SaleschatException(ErrorIds.DirectoryNotFound, ErrorKind.ObjectNotFound,
                    File.Exists(directory)
                        ? $"'{directory}' is a file, not a folder. Choose a path inside a folder."
                        : $"The folder '{directory}' does not exist. Create it first, or choose another path.", path);
            }

            FileFacts existing = _platform.Inspect(path);
            if (existing == null)
            {
                ThrowIfDanglingLink(path);
            }

            if (existing != null && existing.Kind != FileKind.Regular)
            {
                throw new SaleschatException(ErrorIds.NotARegularFile, ErrorKind.InvalidArgument,
                    $"'{path}' is {FileFacts.Describe(existing.Kind)}; nothing was written. Give the path of a file, such as '{Path.Combine(path, "client.crt")}'.", path);
            }

            if (existing != null && !overwrite)
            {
                throw Exists(path, existsErrorId);
            }

            RemoveAbandonedTemporaries(directory, Path.GetFileName(path));
            int mode = FileModes.For(ownerOnly, existing?.Mode);
            string temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                bool committed = false;
                using (Stream stream = _platform.CreateNew(temporary, ownerOnly))
                {
                    stream.Write(content, 0, content.Length);
                    if (stream is FileStream fileStream)
                    {
                        fileStream.Flush(flushToDisk: true);
                    }

                    _platform.SetPermissions(temporary, mode);
                    if (_platform.CanRenameOpenFile)
                    {
                        // Still open, so still locked: another writer's sweep cannot take it for abandoned.
                        Commit(temporary, path, overwrite, existsErrorId);
                        committed = true;
                    }
                }

                if (!committed)
                {
                    Commit(temporary, path, overwrite, existsErrorId);
                }
            }
            catch (SaleschatException)
            {
                throw;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is PlatformNotSupportedException || ex is System.ComponentModel.Win32Exception)
            {
                throw new SaleschatException(ErrorIds.FileWriteFailed, ErrorKind.WriteError,
                    $"Could not write '{path}': {Secrets.PlatformMessage.Of(ex)} Nothing was replaced; fix the cause (disk space, permissions) and run again.", path, ex);
            }
            finally
            {
                TryDelete(temporary);
            }
        }

        private void Commit(string temporary, string path, bool overwrite, string existsErrorId)
        {
            if (overwrite && File.Exists(path))
            {
                _platform.ReplaceAtomically(temporary, path);
            }
            else
            {
                MoveWithoutReplacing(temporary, path, existsErrorId);
            }
        }

        /// <summary>The names this writer gives its temporary files for <paramref name="fileName"/>: .name.xxxxxxxx.tmp.</summary>
        public static bool IsTemporaryFor(string candidateName, string fileName) =>
            Regex.IsMatch(candidateName, "^\\." + Regex.Escape(fileName) + "\\.[0-9a-f]{8}\\.tmp$");

        private void RemoveAbandonedTemporaries(string directory, string fileName)
        {
            IEnumerable<string> candidates;
            try
            {
                candidates = Directory.GetFiles(directory, "." + fileName + ".*.tmp");
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return;
            }

            foreach (string candidate in candidates)
            {
                if (!IsTemporaryFor(Path.GetFileName(candidate), fileName))
                {
                    continue;
                }

                // Only our own regular files: someone else's file is not ours to delete, a FIFO not ours to open.
                FileFacts facts = _platform.Inspect(candidate);
                if (facts != null && facts.Kind == FileKind.Regular && facts.OwnedByCurrentUser == true)
                {
                    _platform.TryRemoveAbandoned(candidate);
                }
            }
        }

        private static void MoveWithoutReplacing(string temporary, string path, string existsErrorId)
        {
            try
            {
                // File.Move never replaces: if another process created the file since our check, it fails.
                File.Move(temporary, path);
            }
            catch (IOException) when (File.Exists(path))
            {
                throw Exists(path, existsErrorId);
            }
        }

        /// <summary>
        /// The "never replaced without -Force" rule, for callers that check before doing expensive work
        /// (generating a key) as well as at write time.
        /// </summary>
        public static void ThrowIfExists(string path, string errorId)
        {
            FilePaths.ThrowIfInvalid(path);
            if (File.Exists(path))
            {
                ThrowIfDanglingLink(path);
                throw Exists(path, errorId);
            }
        }

        // Never written through: a link planted at a key's path could send the key anywhere; and "it already exists"
        // or "unable to find the specified file" would not say what is there.
        private static void ThrowIfDanglingLink(string path)
        {
            string dangling = SymbolicLinks.DanglingTarget(path);
            if (dangling != null)
            {
                throw new SaleschatException(ErrorIds.NotARegularFile, ErrorKind.InvalidArgument,
                    $"'{path}' is a symbolic link to '{dangling}', which does not exist; nothing was written. Remove the link, or give the path of the file itself.", path);
            }
        }

        private static SaleschatException Exists(string path, string errorId) =>
            new SaleschatException(errorId, ErrorKind.ResourceExists,
                $"The file '{path}' already exists and was left untouched. Use -Force to replace it, or choose another path.", path);

        private static void TryDelete(string path)
        {
            try
            {
                if (File.Exists(path))
                {
                    File.Delete(path);
                }
            }
            catch (IOException)
            {
                // Best effort: the temp file holds nothing the final file does not, and is owner-only.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
