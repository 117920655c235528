using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;

namespace Saleschat.Mtls.Rotation
{
    /// <summary>
    /// One rotation step at a time per pair, across processes: an OS lock on an owner-only lock file beside
    /// the pair (client.rotation.lock), removed when released. Two Completes run at once would otherwise
    /// both promote, the second copying the new pair over previous and losing the old key.
    /// </summary>
    public sealed class RotationLock : IDisposable
    {
        /// <summary>Long enough for another run's proof call and file moves; short enough for a runbook.</summary>
        public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);

        private readonly IFilePlatform _platform;
        private readonly string _path;
        private FileStream _held;

        private RotationLock(IFilePlatform platform, string path, FileStream held)
        {
            _platform = platform;
            _path = path;
            _held = held;
        }

        public static RotationLock Acquire(RotationPaths paths, TimeSpan? wait = null, IFilePlatform platform = null)
        {
            platform = platform ?? FilePlatform.Current;
            var clock = Stopwatch.StartNew();
            TimeSpan limit = wait ?? DefaultWait;
            while (true)
            {
                FileStream held;
                try
                {
                    held = platform.TryLock(paths.LockPath);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new SaleschatException(ErrorIds.FileWriteFailed, ErrorKind.WriteError,
                        $"Could not create the rotation lock '{paths.LockPath}': {Secrets.PlatformMessage.Of(ex)} The folder must be writable by you.", paths.LockPath, ex);
                }

                if (held != null)
                {
                    return new RotationLock(platform, paths.LockPath, held);
                }

                if (clock.Elapsed >= limit)
                {
                    throw new SaleschatException(ErrorIds.RotationInProgress, ErrorKind.ResourceUnavailable,
                        $"Another Start- or Complete-SaleschatCertificateRotation is working on '{paths.CertificatePath}' (it holds '{paths.LockPath}'). Wait for it to finish, then run this again.",
                        paths.LockPath);
                }

                Thread.Sleep(100);
            }
        }

        public void Dispose()
        {
            FileStream held = Interlocked.Exchange(ref _held, null);
            if (held != null)
            {
                try
                {
                    _platform.ReleaseLock(held, _path);
                }
                catch (IOException)
                {
                    // The lock is released with the handle whatever happens to the file's name.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }
}
