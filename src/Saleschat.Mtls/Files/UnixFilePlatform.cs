using System;
using System.IO;
using System.Reflection;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// Unix: files are created with mode 0600 by the open() call itself, via .NET's
    /// FileStreamOptions.UnixCreateMode (.NET 7+, so PowerShell 7.4 and later). netstandard2.0 cannot
    /// name that API, so it is bound once by reflection. Never chmod after creating: that leaves a window.
    /// </summary>
    internal sealed class UnixFilePlatform : IFilePlatform
    {
        private const int OwnerReadWrite = 0x180; // 0600: UserRead | UserWrite
        private const int GroupAndOtherRead = 0x24; // 0044: GroupRead | OtherRead

        private static readonly Lazy<UnixFileApi> Api = new Lazy<UnixFileApi>(UnixFileApi.Bind);

        public Stream CreateNew(string path, bool ownerOnly)
        {
            if (!ownerOnly)
            {
                return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            }

            return Api.Value.CreateNew(path, OwnerReadWrite);
        }

        // rename(2) replaces the destination atomically; .NET's File.Replace without a backup is rename on Unix.
        public void ReplaceAtomically(string source, string destination) => File.Replace(source, destination, null);

        public bool? IsReadableByOthers(string path, out string detail)
        {
            int mode = Api.Value.GetMode(path);
            detail = "mode " + Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0');
            return (mode & GroupAndOtherRead) != 0;
        }

        /// <summary>The .NET 7+ Unix file-mode APIs, bound by reflection once.</summary>
        private sealed class UnixFileApi
        {
            private readonly Type _optionsType;
            private readonly Type _modeType;
            private readonly ConstructorInfo _fileStreamCtor;
            private readonly MethodInfo _getUnixFileMode;

            private UnixFileApi(Type optionsType, Type modeType, ConstructorInfo ctor, MethodInfo getMode)
            {
                _optionsType = optionsType;
                _modeType = modeType;
                _fileStreamCtor = ctor;
                _getUnixFileMode = getMode;
            }

            public static UnixFileApi Bind()
            {
                Type optionsType = typeof(FileStream).Assembly.GetType("System.IO.FileStreamOptions");
                Type modeType = typeof(FileStream).Assembly.GetType("System.IO.UnixFileMode");
                ConstructorInfo ctor = optionsType == null ? null : typeof(FileStream).GetConstructor(new[] { typeof(string), optionsType });
                MethodInfo getMode = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
                if (optionsType?.GetProperty("UnixCreateMode") == null || ctor == null || getMode == null)
                {
                    throw new PlatformNotSupportedException(
                        "Owner-only key files on Unix need PowerShell 7.4 or later (.NET 7+ file-mode APIs).");
                }

                return new UnixFileApi(optionsType, modeType, ctor, getMode);
            }

            public Stream CreateNew(string path, int mode)
            {
                object options = Activator.CreateInstance(_optionsType);
                _optionsType.GetProperty("Mode").SetValue(options, FileMode.CreateNew);
                _optionsType.GetProperty("Access").SetValue(options, FileAccess.Write);
                _optionsType.GetProperty("Share").SetValue(options, FileShare.None);
                _optionsType.GetProperty("UnixCreateMode").SetValue(options, Enum.ToObject(_modeType, mode));
                try
                {
                    return (Stream)_fileStreamCtor.Invoke(new[] { path, options });
                }
                catch (TargetInvocationException ex) when (ex.InnerException != null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                    throw;
                }
            }

            public int GetMode(string path)
            {
                try
                {
                    return Convert.ToInt32(_getUnixFileMode.Invoke(null, new object[] { path }));
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
