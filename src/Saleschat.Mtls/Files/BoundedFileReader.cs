using System;
using System.IO;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// Reads a whole small file (a key, a certificate, a journal) with two guards: only regular files
    /// (a FIFO would block the read forever, /dev/zero would fill memory until .NET throws
    /// OutOfMemoryException, a folder is not a file), and a size cap checked before and during the read.
    /// </summary>
    public static class BoundedFileReader
    {
        /// <summary>PEM keys and certificates: a 4096-bit encrypted key is about 3.4 KB.</summary>
        public const long PemLimit = 1024 * 1024;

        /// <summary>Files that may be PFX (a certificate path): a PFX with a long chain stays well under this.</summary>
        public const long PfxLimit = 8 * 1024 * 1024;

        /// <param name="path">Full path.</param>
        /// <param name="limit">The most bytes the file may hold.</param>
        /// <param name="notFoundId">The error id for a missing file (KeyFileNotFound, ...).</param>
        /// <param name="what">"key", "certificate", ...: how messages name the file.</param>
        /// <param name="vouch">Optional check of the opened file (owner, mode) before its content is read.</param>
        /// <param name="platform">The file platform (tests pass their own).</param>
        public static byte[] Read(string path, long limit, string notFoundId, string what, Action<FileFacts> vouch = null, IFilePlatform platform = null)
        {
            platform = platform ?? FilePlatform.Current;
            FilePaths.ThrowIfInvalid(path);
            FileFacts facts = platform.Inspect(path);
            if (facts == null)
            {
                string dangling = SymbolicLinks.DanglingTarget(path);
                throw new SaleschatException(notFoundId, ErrorKind.ObjectNotFound, dangling == null
                    ? $"The {what} file '{path}' does not exist."
                    : $"The {what} file '{path}' is a symbolic link to '{dangling}', which does not exist. Point the link at the {what} file, or give the file's own path.", path);
            }

            ThrowIfNotRegular(facts, path, what);
            ThrowIfTooLarge(facts.Size, limit, path, what);
            try
            {
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
                {
                    if (vouch != null)
                    {
                        // The file just opened, not the one the path named a moment ago.
                        FileFacts opened = platform.Inspect(stream) ?? facts;
                        ThrowIfNotRegular(opened, path, what);
                        vouch(opened);
                    }

                    return ReadAtMost(stream, limit, path, what);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new SaleschatException(ErrorIds.FileReadFailed, ErrorKind.ReadError, $"Could not read the {what} file '{path}': {Secrets.PlatformMessage.Of(ex)}", path, ex);
            }
        }

        private static byte[] ReadAtMost(Stream stream, long limit, string path, string what)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, read);
                ThrowIfTooLarge(buffer.Length, limit, path, what); // the file may grow while we read it
            }

            return buffer.ToArray();
        }

        private static void ThrowIfNotRegular(FileFacts facts, string path, string what)
        {
            if (facts.Kind != FileKind.Regular)
            {
                throw new SaleschatException(ErrorIds.NotARegularFile, ErrorKind.InvalidArgument,
                    $"'{path}' is {FileFacts.Describe(facts.Kind)}, not a {what} file. Give the path of the {what} file itself.", path);
            }
        }

        private static void ThrowIfTooLarge(long size, long limit, string path, string what)
        {
            if (size > limit)
            {
                throw new SaleschatException(ErrorIds.FileTooLarge, ErrorKind.InvalidData,
                    $"'{path}' is larger than {limit / 1024 / 1024} MiB, far more than any {what} file holds. Check that the path names the {what} file.", path);
            }
        }
    }
}
