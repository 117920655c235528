using System;
using System.IO;
using System.Threading;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// A bounded retry for file operations that antivirus and indexers make fail for a moment: they open a freshly
    /// written file, and a rename of it then fails with ERROR_SHARING_VIOLATION (32), ERROR_LOCK_VIOLATION (33) or
    /// ERROR_ACCESS_DENIED (5) ("System Error Codes (0-499)", learn.microsoft.com). The same bound as
    /// WindowsFilePlatform.ReplaceAtomically: 10 attempts, 50 ms × attempt between them (about 2.3 s in all).
    /// </summary>
    public static class SharingViolationRetry
    {
        public const int Attempts = 10;

        private const int ErrorAccessDenied = 5;
        private const int ErrorSharingViolation = 32;
        private const int ErrorLockViolation = 33;

        /// <summary>
        /// Runs <paramref name="operation"/>, again after a pause while it fails with a sharing, lock or access error and
        /// <paramref name="stillWorthTrying"/> says so (e.g. the target does not exist yet); the last failure is rethrown.
        /// </summary>
        public static void Run(Action operation, Func<bool> stillWorthTrying, Action<TimeSpan> sleep = null)
        {
            sleep = sleep ?? (pause => Thread.Sleep(pause));
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    operation();
                    return;
                }
                catch (Exception ex) when (attempt < Attempts && IsTransient(ex) && stillWorthTrying())
                {
                    sleep(TimeSpan.FromMilliseconds(50 * attempt));
                }
            }
        }

        /// <summary>
        /// Whether the exception is one a short wait may cure. .NET maps ERROR_ACCESS_DENIED to UnauthorizedAccessException
        /// and the others to an IOException whose HResult is the Win32 code as an HRESULT (0x8007xxxx).
        /// </summary>
        public static bool IsTransient(Exception ex)
        {
            if (ex is UnauthorizedAccessException)
            {
                return true;
            }

            if (!(ex is IOException) || ex is FileNotFoundException || ex is DirectoryNotFoundException || ex is PathTooLongException)
            {
                return false;
            }

            int code = ex.HResult & 0xFFFF;
            bool win32 = (ex.HResult & unchecked((int)0xFFFF0000)) == unchecked((int)0x80070000);
            return win32 && (code == ErrorSharingViolation || code == ErrorLockViolation || code == ErrorAccessDenied);
        }
    }
}
