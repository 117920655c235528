using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.Win32.SafeHandles;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// Windows: an owner-only file is created by CreateFileW with a protected DACL that grants the
    /// current user alone, so the file never exists with inherited (often Users-readable) permissions.
    /// Plain Win32 calls work the same on .NET Framework (Windows PowerShell 5.1) and .NET (PowerShell 7)
    /// and need no extra package. Not exercised in CI (Linux): keep it small and literal; the hosted-CI Windows
    /// runners run tests/Pester/Windows.Tests.ps1 against it.
    /// </summary>
    internal sealed class WindowsFilePlatform : IFilePlatform
    {
        private const uint GenericWrite = 0x40000000;
        private const uint ReadControl = 0x20000; // to read the new file's DACL back through its handle
        private const uint CreateNewDisposition = 1;
        private const uint FileAttributeNormal = 0x80;
        private const int ErrorFileExists = 80;
        private const uint MoveFileReplaceExisting = 0x1;
        private const uint MoveFileWriteThrough = 0x8;
        private const uint OwnerSecurityInformation = 0x1;
        private const uint DaclSecurityInformation = 0x4;
        private const uint SeFileObject = 1;
        private const uint SddlRevision1 = 1;
        private const int ErrorAccessDenied = 5;
        private const int ErrorSharingViolation = 32;
        private const int ErrorLockViolation = 33;
        private const int MoveAttempts = 10;

        // File read access: FILE_READ_DATA, GENERIC_READ, GENERIC_ALL.
        private const uint ReadMask = 0x1 | 0x80000000 | 0x10000000;

        // File write access: FILE_WRITE_DATA, FILE_APPEND_DATA, DELETE, WRITE_DAC, WRITE_OWNER, GENERIC_WRITE, GENERIC_ALL.
        private const uint WriteMask = 0x2 | 0x4 | 0x10000 | 0x40000 | 0x80000 | 0x40000000 | 0x10000000;

        /// <summary>
        /// SDDL trustees compared as SIDs. Aliases with a per-machine SID (LA, LG, DA…) are resolved by Windows itself:
        /// ConvertStringSidToSidW accepts "either the standard S-R-I-S-S format … or one of the SID string constants"
        /// ("ConvertStringSidToSidW", learn.microsoft.com), resolving LA against this machine's account domain, as
        /// ConvertSecurityDescriptorToStringSecurityDescriptorW did when it wrote the alias.
        /// </summary>
        private static readonly SddlSids Sids = new SddlSids(NumericSidOf);

        public Stream CreateNew(string path, bool ownerOnly)
        {
            if (!ownerOnly)
            {
                return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            }

            string sid = CurrentUserSid();

            // No "O:": the owner then defaults to the token's default owner. Asking for an explicit owner fails on
            // some SMB servers, and the protected DACL alone is what keeps others out.
            string sddl = $"D:P(A;;FA;;;{sid})";
            if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SddlRevision1, out IntPtr descriptor, IntPtr.Zero))
            {
                throw new IOException(new Win32Exception(Marshal.GetLastWin32Error()).Message);
            }

            SafeFileHandle handle;
            try
            {
                var attributes = new SecurityAttributes
                {
                    Length = Marshal.SizeOf(typeof(SecurityAttributes)),
                    SecurityDescriptor = descriptor,
                    InheritHandle = 0,
                };
                handle = CreateFileW(LongPath(path), GenericWrite | ReadControl, 0, ref attributes, CreateNewDisposition, FileAttributeNormal, IntPtr.Zero);
                if (handle.IsInvalid)
                {
                    int error = Marshal.GetLastWin32Error();
                    handle.Dispose();
                    throw error == ErrorFileExists
                        ? new IOException($"The file '{path}' already exists.")
                        : new IOException(new Win32Exception(error).Message);
                }
            }
            finally
            {
                LocalFree(descriptor);
            }

            // FAT/exFAT and some SMB servers ignore the descriptor given to CreateFileW without an error, leaving the
            // file open to everyone: read the DACL back through the handle and refuse to write a key into it.
            // (What GetSecurityInfo returns on FAT, a NULL DACL or an error, could not be confirmed here: both fail.)
            string problem = OwnerOnlyProblem(handle, sid);
            if (problem != null)
            {
                handle.Dispose();
                DeleteFileW(LongPath(path));
                throw new SaleschatException(ErrorIds.OwnerOnlyAclNotApplied, ErrorKind.SecurityError,
                    $"The folder '{Path.GetDirectoryName(path)}' did not keep the owner-only permissions asked for ({problem}); FAT/exFAT drives and some network shares ignore them. The private key was not written: choose a folder on an NTFS drive.", Path.GetDirectoryName(path));
            }

            return new FileStream(handle, FileAccess.Write);
        }

        private static string OwnerOnlyProblem(SafeFileHandle handle, string currentUserSid)
        {
            uint result = GetSecurityInfo(handle, SeFileObject, OwnerSecurityInformation | DaclSecurityInformation,
                out IntPtr _, out IntPtr _, out IntPtr _, out IntPtr _, out IntPtr descriptor);
            if (result != 0)
            {
                return "its permissions cannot be read back: " + new Win32Exception((int)result).Message;
            }

            try
            {
                string sddl = SddlOf(descriptor, out string error);
                if (sddl == null)
                {
                    return error;
                }

                List<string> readers = SddlReaders.OthersWhoCanRead(sddl, ReadMask, currentUserSid, Sids);
                return readers.Count == 0 ? null : "readable by " + string.Join(", ", readers);
            }
            finally
            {
                LocalFree(descriptor);
            }
        }

        private static string SddlOf(IntPtr descriptor, out string error)
        {
            if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(descriptor, SddlRevision1,
                    OwnerSecurityInformation | DaclSecurityInformation, out IntPtr text, out _))
            {
                error = new Win32Exception(Marshal.GetLastWin32Error()).Message;
                return null;
            }

            try
            {
                error = null;
                return Marshal.PtrToStringUni(text);
            }
            finally
            {
                LocalFree(text);
            }
        }

        /// <summary>
        /// The "\\?\" form lifts MAX_PATH (260) for the raw Win32 calls below, which, unlike .NET's own file APIs,
        /// get no automatic long-path handling ("Maximum Path Length Limitation", Microsoft Learn). It also turns off
        /// path normalization, so it is used only for full, already-normalized paths.
        /// </summary>
        internal static string LongPath(string path)
        {
            if (path.Length < 248 || path.StartsWith(@"\\?\", StringComparison.Ordinal) || !Path.IsPathRooted(path))
            {
                return path;
            }

            // Callers pass full paths; GetFullPath is avoided because .NET Framework's legacy path handling throws
            // PathTooLongException for exactly these paths.
            string full = path.Replace('/', '\\');
            return full.StartsWith(@"\\", StringComparison.Ordinal) ? @"\\?\UNC\" + full.Substring(2) : @"\\?\" + full;
        }

        // MoveFileEx keeps the new file's own (owner-only) DACL; File.Replace/ReplaceFile would adopt
        // the replaced file's security descriptor, which may be broader.
        public void ReplaceAtomically(string source, string destination)
        {
            // Antivirus and indexers open a freshly written file for a moment: MoveFileEx then fails with access
            // denied, sharing or lock violation. Retry those a bounded number of times (about 2.7 s in all).
            for (int attempt = 1; ; attempt++)
            {
                if (MoveFileExW(LongPath(source), LongPath(destination), MoveFileReplaceExisting | MoveFileWriteThrough))
                {
                    return;
                }

                int error = Marshal.GetLastWin32Error();
                bool transient = error == ErrorAccessDenied || error == ErrorSharingViolation || error == ErrorLockViolation;
                if (!transient || attempt == MoveAttempts)
                {
                    throw new IOException(new Win32Exception(error).Message);
                }

                Thread.Sleep(50 * attempt);
            }
        }

        public bool? IsReadableByOthers(string path, out string detail)
        {
            string sddl = ReadSddl(path, out detail);
            if (sddl == null)
            {
                return null;
            }

            List<string> readers = SddlReaders.OthersWhoCanRead(sddl, ReadMask, CurrentUserSid(), Sids);
            detail = readers.Count == 0 ? "owner-only ACL" : "readable by " + string.Join(", ", readers);
            return readers.Count > 0;
        }

        /// <summary>The icacls command that makes <paramref name="path"/> owner-only, naming every trustee by SID.</summary>
        internal string OwnerOnlyAdvice(string path)
        {
            string me = CurrentUserSid();
            string sddl = ReadSddl(path, out _);
            var others = new List<string>();
            if (sddl != null)
            {
                // Aliases resolved to numeric SIDs: icacls takes "*S-1-…", not SDDL's two letters.
                foreach (string trustee in SddlReaders.OthersWhoCanRead(sddl, ReadMask | WriteMask, me, Sids))
                {
                    others.Add(Sids.Resolve(trustee));
                }
            }

            return FilePlatform.IcaclsAdvice(path, me, others);
        }

        public FileFacts Inspect(string path)
        {
            if (Directory.Exists(path))
            {
                return new FileFacts(FileKind.Directory, 0, null, null, null, null, null, "a folder");
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }

            string sddl = ReadSddl(path, out string error);
            if (sddl == null)
            {
                return new FileFacts(FileKind.Regular, info.Length, null, null, null, null, null, error);
            }

            // The owner may be the user, or SYSTEM/Administrators (an elevated session's default owner): those
            // can replace any file anyway. Anyone else owning the file could have written it.
            // Compared as SIDs: the built-in Administrator's own file reads "O:LA" or "O:BA", never its numeric SID.
            string me = CurrentUserSid();
            string owner = SddlReaders.OwnerOf(sddl);
            bool owned = SddlReaders.IsOwnedBy(sddl, me, Sids);
            List<string> readers = SddlReaders.OthersWhoCanRead(sddl, ReadMask, me, Sids);
            List<string> writers = SddlReaders.OthersWhoCanRead(sddl, WriteMask, me, Sids);
            string detail = "owner " + owner
                + (readers.Count > 0 ? ", readable by " + string.Join(", ", readers) : string.Empty)
                + (writers.Count > 0 ? ", writable by " + string.Join(", ", writers) : string.Empty);
            return new FileFacts(FileKind.Regular, info.Length, owned, readers.Count > 0, writers.Count > 0, null, null, detail);
        }

        public FileFacts Inspect(FileStream open) => Inspect(open.Name);

        // ACLs, not modes: files keep what CreateNew or inheritance gave them.
        public void SetPermissions(string path, int mode)
        {
        }

        // Our handles share nothing (no FILE_SHARE_DELETE), so MoveFileEx must wait for them to close.
        public bool CanRenameOpenFile => false;

        // An exclusive handle is the lock (sharing violations are mandatory on Windows); DeleteOnClose removes the
        // file when the holder closes it, and a failed open creates no handle, so it deletes nothing.
        public FileStream TryLock(string path)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException ex) when (!(ex is FileNotFoundException || ex is DirectoryNotFoundException || ex is PathTooLongException))
            {
                return null;
            }
        }

        public void ReleaseLock(FileStream held, string path) => held.Dispose();

        // A live writer's handle shares nothing, so deleting its file fails with a sharing violation.
        public bool TryRemoveAbandoned(string path)
        {
            try
            {
                File.Delete(path);
                return true;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return false;
            }
        }

        private static string ReadSddl(string path, out string error)
        {
            uint result = GetNamedSecurityInfoW(LongPath(path), SeFileObject, OwnerSecurityInformation | DaclSecurityInformation,
                out IntPtr _, IntPtr.Zero, out IntPtr _, IntPtr.Zero, out IntPtr descriptor);
            if (result != 0)
            {
                error = new Win32Exception((int)result).Message;
                return null;
            }

            try
            {
                return SddlOf(descriptor, out error);
            }
            finally
            {
                LocalFree(descriptor);
            }
        }

        private static string CurrentUserSid()
        {
            const uint TokenQuery = 0x0008;
            const int TokenUserClass = 1;
            if (!OpenProcessToken(GetCurrentProcess(), TokenQuery, out IntPtr token))
            {
                throw new Win32Exception(Marshal.GetLastWin32Error());
            }

            try
            {
                GetTokenInformation(token, TokenUserClass, IntPtr.Zero, 0, out int needed);
                IntPtr buffer = Marshal.AllocHGlobal(needed);
                try
                {
                    if (!GetTokenInformation(token, TokenUserClass, buffer, needed, out _))
                    {
                        throw new Win32Exception(Marshal.GetLastWin32Error());
                    }

                    // TOKEN_USER starts with SID_AND_ATTRIBUTES, whose first field is the PSID.
                    IntPtr sid = Marshal.ReadIntPtr(buffer);
                    if (!ConvertSidToStringSidW(sid, out IntPtr text))
                    {
                        throw new Win32Exception(Marshal.GetLastWin32Error());
                    }

                    try
                    {
                        return Marshal.PtrToStringUni(text);
                    }
                    finally
                    {
                        LocalFree(text);
                    }
                }
                finally
                {
                    Marshal.FreeHGlobal(buffer);
                }
            }
            finally
            {
                CloseHandle(token);
            }
        }

        /// <summary>The numeric SID of an SDDL alias ("LA" → "S-1-5-21-…-500"), or null when Windows knows no such alias.</summary>
        private static string NumericSidOf(string alias)
        {
            if (!ConvertStringSidToSidW(alias, out IntPtr sid))
            {
                return null;
            }

            try
            {
                if (!ConvertSidToStringSidW(sid, out IntPtr text))
                {
                    return null;
                }

                try
                {
                    return Marshal.PtrToStringUni(text);
                }
                finally
                {
                    LocalFree(text);
                }
            }
            finally
            {
                LocalFree(sid);
            }
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct SecurityAttributes
        {
            public int Length;
            public IntPtr SecurityDescriptor;
            public int InheritHandle;
        }

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool ConvertStringSecurityDescriptorToSecurityDescriptorW(string sddl, uint revision, out IntPtr descriptor, IntPtr size);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool ConvertSecurityDescriptorToStringSecurityDescriptorW(IntPtr descriptor, uint revision, uint information, out IntPtr text, out int length);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode)]
        private static extern uint GetNamedSecurityInfoW(string name, uint objectType, uint information, out IntPtr owner, IntPtr group, out IntPtr dacl, IntPtr sacl, out IntPtr descriptor);

        [DllImport("advapi32.dll")]
        private static extern uint GetSecurityInfo(SafeFileHandle handle, uint objectType, uint information, out IntPtr owner, out IntPtr group, out IntPtr dacl, out IntPtr sacl, out IntPtr descriptor);

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool DeleteFileW(string name);

        [DllImport("advapi32.dll", SetLastError = true)]
        private static extern bool OpenProcessToken(IntPtr process, uint access, out IntPtr token);

        [DllImport("advapi32.dll", SetLastError = true)]
        private static extern bool GetTokenInformation(IntPtr token, int informationClass, IntPtr information, int length, out int returnLength);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool ConvertSidToStringSidW(IntPtr sid, out IntPtr text);

        // The SID it returns is freed with LocalFree ("ConvertStringSidToSidW", learn.microsoft.com).
        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool ConvertStringSidToSidW(string text, out IntPtr sid);

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern SafeFileHandle CreateFileW(string name, uint access, uint share, ref SecurityAttributes attributes, uint disposition, uint flags, IntPtr template);

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool MoveFileExW(string existing, string replacement, uint flags);

        [DllImport("kernel32.dll")]
        private static extern IntPtr GetCurrentProcess();

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool CloseHandle(IntPtr handle);

        [DllImport("kernel32.dll")]
        private static extern IntPtr LocalFree(IntPtr memory);
    }
}
