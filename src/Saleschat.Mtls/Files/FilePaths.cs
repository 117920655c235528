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
    }
}
