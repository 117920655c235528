using System;
using System.IO;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// Writes a file all at once or not at all: the content goes to a temporary file in the same folder
    /// (same volume, so the final rename is atomic), which is then renamed into place. An existing file
    /// is replaced only when asked; the temporary file never outlives the call.
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
            string directory = Path.GetDirectoryName(path);
            if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
            {
                throw new SaleschatException(ErrorIds.DirectoryNotFound, ErrorKind.ObjectNotFound,
                    $"The folder '{directory}' does not exist. Create it first, or choose another path.", path);
            }

            if (!overwrite)
            {
                ThrowIfExists(path, existsErrorId);
            }

            string temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (Stream stream = _platform.CreateNew(temporary, ownerOnly))
                {
                    stream.Write(content, 0, content.Length);
                    if (stream is FileStream fileStream)
                    {
                        fileStream.Flush(flushToDisk: true);
                    }
                }

                if (overwrite && File.Exists(path))
                {
                    _platform.ReplaceAtomically(temporary, path);
                }
                else
                {
                    MoveWithoutReplacing(temporary, path, existsErrorId);
                }
            }
            catch (SaleschatException)
            {
                throw;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is PlatformNotSupportedException || ex is System.ComponentModel.Win32Exception)
            {
                throw new SaleschatException(ErrorIds.FileWriteFailed, ErrorKind.WriteError,
                    $"Could not write '{path}': {ex.Message}", path, ex);
            }
            finally
            {
                TryDelete(temporary);
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
            if (File.Exists(path))
            {
                throw Exists(path, errorId);
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
