using System.Runtime.InteropServices;

namespace Saleschat.Mtls.Files
{
    public static class FilePlatform
    {
        /// <summary>The implementation for the operating system we run on, chosen once.</summary>
        public static IFilePlatform Current { get; } =
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? (IFilePlatform)new WindowsFilePlatform() : new UnixFilePlatform();

        /// <summary>
        /// How a person makes <paramref name="path"/> owner-only here, as a command to paste. chmod means nothing on
        /// Windows: there icacls removes the inherited entries and grants the user alone (PowerShell syntax).
        /// </summary>
        public static string OwnerOnlyAdvice(string path) =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                ? $"icacls \"{path}\" /inheritance:r /grant:r \"${{env:USERNAME}}:F\""
                : $"chmod 600 '{path}'";
    }
}
