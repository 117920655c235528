using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Files
{
    /// <summary>Checks on a path itself, before any file-system call sees it.</summary>
    public static class FilePaths
    {
        /// <summary>
        /// A NUL cannot be part of a file name on any platform; .NET answers it with a raw ArgumentException
        /// ("Null character in path"), which would reach the user as an unhandled .NET error.
        /// </summary>
        public static void ThrowIfInvalid(string path)
        {
            if (path != null && path.IndexOf('\0') >= 0)
            {
                throw new SaleschatException(ErrorIds.InvalidPath, ErrorKind.InvalidArgument,
                    $"The path '{path.Replace("\0", "\\0")}' contains a NUL character, which no file name can hold. Check how the path was built.",
                    path.Replace("\0", "\\0"));
            }
        }

        /// <summary>
        /// Keys, certificates and answers are files: a path on another PowerShell provider (variable:, function:, env:,
        /// cert:, HKLM:) names no file, and would otherwise reach the file system as a bare name with no folder.
        /// </summary>
        /// <param name="path">The path as the user gave it.</param>
        /// <param name="providerName">The name of the provider PowerShell resolved it on ("FileSystem", "Variable", ...).</param>
        public static void ThrowIfNotFileSystem(string path, string providerName)
        {
            if (providerName != null && !string.Equals(providerName, "FileSystem", System.StringComparison.OrdinalIgnoreCase))
            {
                throw new SaleschatException(ErrorIds.InvalidPath, ErrorKind.InvalidArgument,
                    $"'{path}' is a path on PowerShell's {providerName} provider, not a file: only file-system paths are accepted. Give the path of a file, such as './client.key'.",
                    path);
            }
        }
    }
}
