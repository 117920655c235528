using System.Runtime.InteropServices;
using System;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Transport;
using Saleschat.Mtls.Http;

namespace Saleschat.Mtls.Module
{
    /// <summary>
    /// The manifest's DotNetFrameworkVersion = '4.7.2' is not enforced by Windows PowerShell 5.1: a version above the
    /// highest one 5.1 knows passes unchecked (PowerShell's Utils.IsNetFrameworkVersionSupported: "checkVersion >
    /// KnownHighestNetFrameworkVersion" returns supported). So the module reads the .NET Framework's Release value
    /// itself at import, on .NET Framework only ("Determine which .NET Framework versions are installed",
    /// Microsoft Learn: HKLM\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full, Release; 4.7.2 is 461808 or more).
    /// </summary>
    /// <remarks>
    /// On .NET 4.6.x without the netstandard facades, PowerShell cannot even enumerate this assembly's types, so
    /// the import fails with its own netstandard load error before this check can run; the check covers the
    /// versions that do load. A manifest ScriptsToProcess check would run earlier, but scripts are blocked by the
    /// default Restricted execution policy of Windows PowerShell clients, which would break every import.
    /// </remarks>
    internal static class NetFrameworkRequirement
    {
        public const int MinimumRelease = 461808; // .NET Framework 4.7.2

        public static void Check()
        {
            if (!TlsPlatform.IsNetFramework)
            {
                return;
            }

            string problem = Problem(ReadRelease());
            if (problem != null)
            {
                throw new SaleschatException(ErrorIds.DotNetFrameworkTooOld, ErrorKind.ResourceUnavailable, problem, null);
            }
        }

        /// <summary>What is wrong with this Release value, or null when it is new enough or could not be read.</summary>
        internal static string Problem(int? release) =>
            release == null || release.Value >= MinimumRelease
                ? null
                : $"Saleschat.Mtls needs .NET Framework 4.7.2 or later in Windows PowerShell 5.1; this computer has an older one (Release {release.Value}). Install .NET Framework 4.8 (or at least 4.7.2) from Microsoft and restart, or use PowerShell 7 (pwsh).";

        private static int? ReadRelease()
        {
            const uint RrfRtRegDword = 0x10;
            var localMachine = new IntPtr(unchecked((int)0x80000002));
            int size = sizeof(int);
            int error = RegGetValueW(localMachine, @"SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full", "Release",
                RrfRtRegDword, IntPtr.Zero, out int release, ref size);
            return error == 0 ? release : (int?)null;
        }

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode)]
        private static extern int RegGetValueW(IntPtr key, string subKey, string value, uint flags, IntPtr type, out int data, ref int size);
    }
}
