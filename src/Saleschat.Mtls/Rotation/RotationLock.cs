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
            bool deletePending = false;
            while (true)
            {
                FileStream held = null;
                try
                {
                    held = platform.TryLock(paths.LockPath);
                    deletePending = false;
                }
                catch (UnauthorizedAccessException) when (LockFileListed(paths.LockPath))
                {
                    // Windows: the last holder closed its DeleteOnClose handle while another handle (a scanner, an
                    // indexer) still had the file open, so it is delete-pending, and opening it fails with
                    // ERROR_ACCESS_DENIED until that handle closes ("CreateFileW": "If you call CreateFile on a file that is
                    // pending deletion as a result of a previous call to DeleteFile, the function fails"; "DeleteFileW",
                    // learn.microsoft.com). Still being released: wait, as for a held lock.
                    deletePending = true;
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

                if (clock.Elapsed >= limit && deletePending)
                {
                    throw new SaleschatException(ErrorIds.RotationInProgress, ErrorKind.ResourceUnavailable,
                        $"The rotation lock '{paths.LockPath}' for '{paths.CertificatePath}' could not be opened for {limit.TotalSeconds:0} s (access denied): another rotation is still releasing it, or it belongs to another account. Run this again in a moment; if it persists, check who owns '{paths.LockPath}' and delete it when no rotation is running.",
                        paths.LockPath);
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

        /// <summary>
        /// Whether the lock file is in its folder's listing. A delete-pending file is still listed (directory enumeration
        /// uses FindFirstFile/FindNextFile, which does not open the file), while a folder we may not write has no lock
        /// file to find: that one is a real error, reported at once.
        /// </summary>
        private static bool LockFileListed(string lockPath)
        {
            try
            {
                string folder = Path.GetDirectoryName(lockPath);
                string name = Path.GetFileName(lockPath);
                foreach (string found in Directory.EnumerateFiles(string.IsNullOrEmpty(folder) ? "." : folder, name))
                {
                    if (string.Equals(Path.GetFileName(found), name, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }

                return false;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return false;
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
