using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// The mode a public file gets on Unix whatever the umask: 0644 for a new file, the old file's own mode when
    /// one is replaced (a 0600 export stays 0600), never with group or other write (a 0666 one becomes 0644). A umask
    /// of 000 once made -OutFile results 0666.
    /// File.Get/SetUnixFileMode are .NET 7+ and cannot be named from netstandard2.0: bound by reflection once.
    /// Windows keeps its ACL inheritance (File.Replace keeps the replaced file's ACL), so nothing happens there.
    /// </summary>
    public static class PublicFileMode
    {
        public const int Default = 0x1A4; // 0644

        private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        private static readonly MethodInfo GetMode = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
        private static readonly MethodInfo SetMode = FindSetMode();

        /// <summary>Gives <paramref name="file"/> the mode <paramref name="target"/> has, or 0644 when it does not exist yet.</summary>
        public static void Apply(string file, string target)
        {
            if (IsWindows || GetMode == null || SetMode == null)
            {
                return;
            }

            int mode = File.Exists(target) ? FileModes.For(ownerOnly: false, Convert.ToInt32(Invoke(GetMode, target))) : Default;
            Invoke(SetMode, file, Enum.ToObject(SetMode.GetParameters()[1].ParameterType, mode));
        }

        private static MethodInfo FindSetMode()
        {
            Type modeType = typeof(File).Assembly.GetType("System.IO.UnixFileMode");
            return modeType == null ? null : typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), modeType });
        }

        private static object Invoke(MethodInfo method, params object[] arguments)
        {
            try
            {
                return method.Invoke(null, arguments);
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }
    }
}
