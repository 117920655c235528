using System;
using System.IO;
using System.Reflection;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// A symbolic link whose target does not exist ("dangling"): stat(2) answers "no such file" for it, yet the link
    /// itself is there, so writing through it fails with "Unable to find the specified file" and reading it says the
    /// file is missing. Named here so both can say what is really at the path.
    /// </summary>
    public static class SymbolicLinks
    {
        // FileSystemInfo.LinkTarget is .NET 6+ and cannot be named from netstandard2.0: bound by reflection once.
        private static readonly PropertyInfo LinkTarget = typeof(FileSystemInfo).GetProperty("LinkTarget");

        /// <summary>Where the link at <paramref name="path"/> points when that target does not exist; null otherwise.</summary>
        public static string DanglingTarget(string path)
        {
            try
            {
                if (FilePlatform.Current.Inspect(path) != null)
                {
                    return null; // the path (through any links) names something that exists
                }

                // GetAttributes does not follow the link (lstat); a missing path throws or answers -1 on .NET Framework.
                FileAttributes attributes = File.GetAttributes(path);
                if ((int)attributes == -1 || (attributes & FileAttributes.ReparsePoint) == 0)
                {
                    return null;
                }

                return LinkTarget?.GetValue(new FileInfo(path)) as string ?? "a file that does not exist";
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException
                || ex is NotSupportedException || ex is TargetInvocationException)
            {
                return null;
            }
        }
    }
}
