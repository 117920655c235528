using Xunit;

namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>
/// A fact about Unix file modes (File.GetUnixFileMode/SetUnixFileMode throw PlatformNotSupportedException on Windows):
/// reported as skipped, with the reason, on the windows-latest job instead of failing it. The Windows side of the same
/// behaviour (owner-only ACLs) is proven by tests/Pester/Windows.Tests.ps1.
/// </summary>
public sealed class UnixOnlyFactAttribute : FactAttribute
{
    public const string Reason = "Unix file modes: Windows keeps files owner-only with ACLs (tests/Pester/Windows.Tests.ps1 checks those).";

    public UnixOnlyFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = Reason;
        }
    }
}
