using System.Reflection;

namespace Saleschat.Mtls.Http.Transport
{
    /// <summary>
    /// The User-Agent the module sends: <c>Saleschat.Mtls/0.1.0 PowerShell/7.6.9</c>. The PowerShell version comes
    /// from the calling session's $PSVersionTable (the engine assembly's own version is 3.0.0.0 in Windows
    /// PowerShell 5.1, so it cannot tell 5.1 from 7).
    /// </summary>
    public static class UserAgent
    {
        public static string ModuleVersion { get; } = ReadModuleVersion();

        public static string For(string powerShellVersion) =>
            string.IsNullOrEmpty(powerShellVersion)
                ? $"Saleschat.Mtls/{ModuleVersion}"
                : $"Saleschat.Mtls/{ModuleVersion} PowerShell/{powerShellVersion}";

        private static string ReadModuleVersion()
        {
            Assembly assembly = typeof(UserAgent).Assembly;
            string informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            if (!string.IsNullOrEmpty(informational))
            {
                int plus = informational.IndexOf('+');
                return plus >= 0 ? informational.Substring(0, plus) : informational;
            }

            return assembly.GetName().Version.ToString(3);
        }
    }
}
