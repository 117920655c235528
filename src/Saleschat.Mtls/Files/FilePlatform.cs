using System.Runtime.InteropServices;

namespace Saleschat.Mtls.Files
{
    public static class FilePlatform
    {
        /// <summary>The implementation for the operating system we run on, chosen once.</summary>
        public static IFilePlatform Current { get; } =
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? (IFilePlatform)new WindowsFilePlatform() : new UnixFilePlatform();
    }
}
