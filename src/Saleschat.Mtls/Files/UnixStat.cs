using System;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// stat(2) on Unix, for the file's owner and type, which .NET exposes nowhere (File.GetUnixFileMode gives
    /// the permission bits only). libc's struct stat differs between Linux x64, arm64 and macOS, and old glibc
    /// exports no `stat` symbol at all, so this calls the .NET runtime's own shim, libSystem.Native, whose
    /// FileStatus starts with the same fields on every platform (dotnet/runtime
    /// src/native/libs/System.Native/pal_io.h: Flags, Mode, Uid, Gid, Size, ... Dev, RDev, Ino).
    /// Used only on .NET 7+, which the module needs on Unix anyway (UnixFilePlatform).
    /// </summary>
    internal static class UnixStat
    {
        // S_IFMT and the file-type values as pal_io.h normalises them (the Linux values).
        private const int TypeMask = 0xF000;
        private const int TypeFifo = 0x1000;
        private const int TypeCharacter = 0x2000;
        private const int TypeDirectory = 0x4000;
        private const int TypeBlock = 0x6000;
        private const int TypeRegular = 0x8000;
        private const int TypeSocket = 0xC000;

        // Byte offsets in FileStatus; Ino follows RDev, which .NET 8 added (the module's floor, PowerShell 7.4).
        private const int ModeOffset = 4;
        private const int UidOffset = 8;
        private const int SizeOffset = 16;
        private const int DevOffset = 88;
        private const int InoOffset = 104;
        private const int BufferSize = 256; // well beyond the struct, so a later runtime's extra fields fit

        public static Status Stat(string path)
        {
            var buffer = new byte[BufferSize];
            return SystemNativeStat(path, buffer) == 0 ? new Status(buffer) : null;
        }

        public static Status FStat(SafeFileHandle handle)
        {
            var buffer = new byte[BufferSize];
            return SystemNativeFStat(handle, buffer) == 0 ? new Status(buffer) : null;
        }

        public static uint EffectiveUserId => SystemNativeGetEUid();

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
        private static extern int SystemNativeStat(string path, byte[] status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_FStat", SetLastError = true)]
        private static extern int SystemNativeFStat(SafeFileHandle handle, byte[] status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_GetEUid")]
        private static extern uint SystemNativeGetEUid();

        internal sealed class Status
        {
            public Status(byte[] buffer)
            {
                int mode = BitConverter.ToInt32(buffer, ModeOffset);
                Permissions = mode & 0xFFF;
                Kind = KindOf(mode & TypeMask);
                Uid = BitConverter.ToUInt32(buffer, UidOffset);
                Size = BitConverter.ToInt64(buffer, SizeOffset);
                Identity = Environment.Version.Major >= 8
                    ? BitConverter.ToInt64(buffer, DevOffset).ToString(CultureInfo.InvariantCulture) + ":" + BitConverter.ToInt64(buffer, InoOffset).ToString(CultureInfo.InvariantCulture)
                    : null;
            }

            public FileKind Kind { get; }

            public int Permissions { get; }

            public uint Uid { get; }

            public long Size { get; }

            public string Identity { get; }

            private static FileKind KindOf(int type)
            {
                switch (type)
                {
                    case TypeRegular: return FileKind.Regular;
                    case TypeDirectory: return FileKind.Directory;
                    case TypeFifo: return FileKind.Fifo;
                    case TypeCharacter: return FileKind.CharacterDevice;
                    case TypeBlock: return FileKind.BlockDevice;
                    case TypeSocket: return FileKind.Socket;
                    default: return FileKind.Other;
                }
            }
        }
    }
}
