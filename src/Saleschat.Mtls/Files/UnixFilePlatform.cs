using System;
using System.Globalization;
using System.IO;
using System.Reflection;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// Unix: files are created with mode 0600 by the open() call itself, via .NET's
    /// FileStreamOptions.UnixCreateMode (.NET 7+, so PowerShell 7.4 and later). netstandard2.0 cannot
    /// name that API, so it is bound once by reflection. Never chmod a private file after creating it:
    /// that leaves a window. Owner and file type come from stat(2) (<see cref="UnixStat"/>).
    /// </summary>
    internal sealed class UnixFilePlatform : IFilePlatform
    {
        private const int OwnerReadWrite = 0x180; // 0600: UserRead | UserWrite
        private const int GroupAndOtherRead = 0x24; // 0044: GroupRead | OtherRead
        private const int GroupAndOtherWrite = 0x12; // 0022: GroupWrite | OtherWrite

        private static readonly Lazy<UnixFileApi> Api = new Lazy<UnixFileApi>(UnixFileApi.Bind);

        public Stream CreateNew(string path, bool ownerOnly)
        {
            if (!ownerOnly)
            {
                return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            }

            return Api.Value.Open(path, FileMode.CreateNew, FileAccess.Write, OwnerReadWrite);
        }

        // rename(2) replaces the destination atomically; .NET's File.Replace without a backup is rename on Unix.
        public void ReplaceAtomically(string source, string destination) => File.Replace(source, destination, null);

        public bool? IsReadableByOthers(string path, out string detail)
        {
            int mode = Api.Value.GetMode(path);
            detail = "mode " + Octal(mode);
            return (mode & GroupAndOtherRead) != 0;
        }

        public FileFacts Inspect(string path) => Facts(UnixStat.Stat(path));

        public FileFacts Inspect(FileStream open) => Facts(UnixStat.FStat(open.SafeFileHandle));

        public void SetPermissions(string path, int mode) => Api.Value.SetMode(path, mode);

        // rename(2) does not care about open descriptors or flock(2) locks.
        public bool CanRenameOpenFile => true;

        public FileStream TryLock(string path)
        {
            // FileShare.None makes .NET take flock(LOCK_EX | LOCK_NB) (dotnet/runtime SafeFileHandle.Unix.cs), which
            // fails at once while another descriptor holds it. The holder removes the file before closing it, so a
            // waiter may lock a file that no longer has a name: it checks that the path still names what it locked.
            for (int attempt = 0; attempt < 3; attempt++)
            {
                FileStream held;
                try
                {
                    held = (FileStream)Api.Value.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, OwnerReadWrite);
                }
                catch (IOException ex) when (!(ex is FileNotFoundException || ex is DirectoryNotFoundException || ex is PathTooLongException))
                {
                    return null;
                }

                string lockedIdentity = UnixStat.FStat(held.SafeFileHandle)?.Identity;
                string namedIdentity = UnixStat.Stat(path)?.Identity;
                if (lockedIdentity == null || lockedIdentity == namedIdentity)
                {
                    return held;
                }

                held.Dispose();
            }

            return null;
        }

        // Unlink while still holding the lock: a waiter that then locks the unlinked file sees the name gone.
        public void ReleaseLock(FileStream held, string path)
        {
            try
            {
                File.Delete(path);
            }
            finally
            {
                held.Dispose();
            }
        }

        // A live writer holds flock(LOCK_EX) on its temporary file from creation to rename; a killed one holds
        // nothing, so an exclusive open succeeds only on an abandoned file.
        public bool TryRemoveAbandoned(string path)
        {
            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None))
                {
                    File.Delete(path);
                    return true;
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return false;
            }
        }

        private static FileFacts Facts(UnixStat.Status status)
        {
            if (status == null)
            {
                return null;
            }

            uint me = UnixStat.EffectiveUserId;
            string detail = $"mode {Octal(status.Permissions)}, owner uid {status.Uid.ToString(CultureInfo.InvariantCulture)}"
                + (status.Uid == me ? " (you)" : $" (you are uid {me.ToString(CultureInfo.InvariantCulture)})");
            return new FileFacts(status.Kind, status.Size, status.Uid == me,
                (status.Permissions & GroupAndOtherRead) != 0, (status.Permissions & GroupAndOtherWrite) != 0,
                status.Permissions, status.Identity, detail);
        }

        private static string Octal(int mode) => Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0');

        /// <summary>The .NET 7+ Unix file-mode APIs, bound by reflection once.</summary>
        private sealed class UnixFileApi
        {
            private readonly Type _optionsType;
            private readonly Type _modeType;
            private readonly ConstructorInfo _fileStreamCtor;
            private readonly MethodInfo _getUnixFileMode;
            private readonly MethodInfo _setUnixFileMode;

            private UnixFileApi(Type optionsType, Type modeType, ConstructorInfo ctor, MethodInfo getMode, MethodInfo setMode)
            {
                _optionsType = optionsType;
                _modeType = modeType;
                _fileStreamCtor = ctor;
                _getUnixFileMode = getMode;
                _setUnixFileMode = setMode;
            }

            public static UnixFileApi Bind()
            {
                Type optionsType = typeof(FileStream).Assembly.GetType("System.IO.FileStreamOptions");
                Type modeType = typeof(FileStream).Assembly.GetType("System.IO.UnixFileMode");
                ConstructorInfo ctor = optionsType == null ? null : typeof(FileStream).GetConstructor(new[] { typeof(string), optionsType });
                MethodInfo getMode = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
                MethodInfo setMode = modeType == null ? null : typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), modeType });
                if (optionsType?.GetProperty("UnixCreateMode") == null || ctor == null || getMode == null || setMode == null)
                {
                    throw new PlatformNotSupportedException(
                        "Owner-only key files on Unix need PowerShell 7.4 or later (.NET 7+ file-mode APIs).");
                }

                return new UnixFileApi(optionsType, modeType, ctor, getMode, setMode);
            }

            public Stream Open(string path, FileMode mode, FileAccess access, int createMode)
            {
                object options = Activator.CreateInstance(_optionsType);
                _optionsType.GetProperty("Mode").SetValue(options, mode);
                _optionsType.GetProperty("Access").SetValue(options, access);
                _optionsType.GetProperty("Share").SetValue(options, FileShare.None);
                _optionsType.GetProperty("UnixCreateMode").SetValue(options, Enum.ToObject(_modeType, createMode));
                return (Stream)Invoke(() => _fileStreamCtor.Invoke(new[] { path, options }));
            }

            public int GetMode(string path) => Convert.ToInt32(Invoke(() => _getUnixFileMode.Invoke(null, new object[] { path })));

            public void SetMode(string path, int mode) => Invoke(() => _setUnixFileMode.Invoke(null, new[] { path, Enum.ToObject(_modeType, mode & 0xFFF) }));

            private static object Invoke(Func<object> call)
            {
                try
                {
                    return call();
                }
                catch (TargetInvocationException ex) when (ex.InnerException != null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                    throw;
                }
            }
        }
    }
}
