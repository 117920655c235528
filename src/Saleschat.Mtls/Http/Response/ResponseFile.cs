using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;

namespace Saleschat.Mtls.Http.Response
{
    /// <summary>
    /// Streams a response body to disk in fixed-size chunks, so a large export never sits in memory. The body goes
    /// to a hidden <c>.part</c> file beside the target, renamed into place only when complete: a dropped connection
    /// leaves no half-written file, and the <c>.part</c> is removed on any failure (or, after a kill, by the next
    /// write to the same target). The <c>.part</c> is made before the request is sent, so a folder that cannot be
    /// written costs no request; a failure to write is <see cref="ErrorIds.FileWriteFailed"/>, never a network
    /// failure, and is never retried.
    /// </summary>
    public sealed class ResponseFile : IDisposable
    {
        private const int BufferSize = 81920;

        private readonly string _path;
        private readonly string _part;
        private readonly bool _replace;
        private Stream _file;
        private bool _committed;

        private ResponseFile(string path, string part, Stream file, bool replace)
        {
            _replace = replace;
            _path = path;
            _part = part;
            _file = file;
        }

        /// <summary>
        /// Before sending: refuses a folder as target, and an existing file unless <paramref name="replace"/> (-Force),
        /// removes stale parts, and creates this call's part.
        /// </summary>
        public static ResponseFile Begin(string path, bool replace)
        {
            if (Directory.Exists(path))
            {
                throw new SaleschatException(ErrorIds.FileWriteFailed, ErrorKind.WriteError,
                    $"-OutFile '{path}' is a folder. Give a file name inside it; nothing was sent.", path);
            }

            if (!replace && File.Exists(path))
            {
                throw Exists(path);
            }

            // -Force replaces an earlier download, never the only copy of a private key (checked before sending).
            Certificates.ClientCertificateFactory.ThrowIfPrivateKeyFile(path, "the answer", "-OutFile");

            string directory = Path.GetDirectoryName(path) ?? ".";
            string name = Path.GetFileName(path);
            RemoveStaleParts(directory, name);
            string part = Path.Combine(directory, "." + name + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".part");
            try
            {
                // Owner-only until complete: nobody reads a half-written answer; PublicFileMode sets the final mode.
                return new ResponseFile(path, part, FilePlatform.Current.CreateNew(part, ownerOnly: !IsWindows), replace);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is PlatformNotSupportedException)
            {
                throw new SaleschatException(ErrorIds.FileWriteFailed, ErrorKind.WriteError,
                    $"-OutFile '{path}' cannot be written ({Secrets.PlatformMessage.Of(ex)}). Choose a writable folder; nothing was sent.", path, ex);
            }
        }

        /// <summary>Copies the body into the part; network failures pass through as they are, file failures become FileWriteFailed.</summary>
        /// <param name="describe">The answer, e.g. "POST https://host/x answered 200 OK", for the error message.</param>
        /// <param name="carriedOut">The request changed something on the server (not idempotent): say so if saving fails.</param>
        /// <param name="progress">Told the bytes of each chunk written, when a caller shows progress.</param>
        public async Task WriteAsync(ResponseBody body, string describe, bool carriedOut, CancellationToken token, DownloadProgress progress = null)
        {
            var buffer = new byte[BufferSize];
            while (true)
            {
                int n = await body.ReadAsync(buffer, 0, buffer.Length, token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                await Save(() => _file.WriteAsync(buffer, 0, n, token), describe, carriedOut).ConfigureAwait(false);
                progress?.Add(n);
            }

            await Save(async () =>
            {
                await _file.FlushAsync(token).ConfigureAwait(false);
                _file.Dispose();
                _file = null;
                PublicFileMode.Apply(_part, _path);
                if (File.Exists(_path))
                {
                    if (!_replace)
                    {
                        // Created while this answer was downloading: still never replaced without -Force.
                        throw Exists(_path);
                    }

                    File.Replace(_part, _path, null);
                }
                else
                {
                    File.Move(_part, _path);
                }

                _committed = true;
            }, describe, carriedOut).ConfigureAwait(false);
        }

        private static SaleschatException Exists(string path) =>
            new SaleschatException(ErrorIds.OutputFileExists, ErrorKind.ResourceExists,
                $"-OutFile '{path}' already exists and was left as it is. Add -Force to replace it, or choose another path.", path);

        public void Dispose()
        {
            _file?.Dispose();
            _file = null;
            if (!_committed)
            {
                TryDelete(_part);
            }
        }

        private static bool IsWindows => System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows);

        private async Task Save(Func<Task> write, string describe, bool carriedOut)
        {
            try
            {
                await write().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                string done = carriedOut ? " (the request was carried out: do not simply send it again)" : string.Empty;
                throw new SaleschatException(ErrorIds.FileWriteFailed, ErrorKind.WriteError,
                    $"{describe}{done}, but the answer could not be saved to '{_path}': {Secrets.PlatformMessage.Of(ex)}. Free some space or choose a writable -OutFile; the request was not retried.",
                    _path, ex);
            }
        }

        /// <summary>A part another call is still writing is locked (FileShare.None; flock on Unix) and left alone.</summary>
        private static void RemoveStaleParts(string directory, string name)
        {
            string[] stale;
            try
            {
                stale = Directory.GetFiles(directory, "." + name + ".????????.part");
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return;
            }

            foreach (string part in stale)
            {
                try
                {
                    using (new FileStream(part, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                    {
                    }

                    File.Delete(part);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    // In use, or not ours to remove.
                }
            }
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // Left for the next write to the same target.
            }
        }
    }
}
