using System;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Windows refuses to create the key container of an imported PFX when the account has no loaded user profile
    /// (S4U scheduled tasks, some service accounts: dotnet/dotnet-docker#1048, "ContainerUser doesn't seem to get a
    /// user profile, therefore it cannot have persisted keys") or in some remoting sessions (dotnet/corefx#14745,
    /// "Access denied"). The codes below are what those reports show; which code each setup gives could not be
    /// confirmed here, so any of them, on Windows only, gets the same advice.
    /// </summary>
    internal static class KeyStoreFailure
    {
        private const int FileNotFound = unchecked((int)0x80070002);
        private const int PathNotFound = unchecked((int)0x80070003);
        private const int AccessDenied = unchecked((int)0x80070005);
        private const int NteBadKeyset = unchecked((int)0x80090016);
        private const int NtePerm = unchecked((int)0x80090010);

        public static bool IsKeyStoreUnavailable(CryptographicException ex) =>
            IsKeyStoreUnavailable(ex, RuntimeInformation.IsOSPlatform(OSPlatform.Windows));

        internal static bool IsKeyStoreUnavailable(CryptographicException ex, bool onWindows)
        {
            if (!onWindows)
            {
                return false;
            }

            switch (ex.HResult)
            {
                case FileNotFound:
                case PathNotFound:
                case AccessDenied:
                case NteBadKeyset:
                case NtePerm:
                    return true;
                default:
                    return false;
            }
        }

        public static SaleschatException Error(Exception inner) =>
            new SaleschatException(ErrorIds.KeyStoreUnavailable, ErrorKind.ResourceUnavailable,
                $"Windows could not store the private key for this account ({Secrets.PlatformMessage.Of(inner)}). This happens when the account's user profile is not loaded: a scheduled task set to 'Do not store password' (S4U), some service accounts, or a remoting session. Run the task with a stored password (its profile then loads), or import the PFX into the certificate store once and use -CertificateThumbprint.",
                null, inner);
    }
}
