using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;
using Saleschat.Mtls.Keys;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class KeyFileTrustTests
{
    private static FileFacts Facts(bool? mine, bool? othersRead, bool? othersWrite, int? mode = null) =>
        new(FileKind.Regular, 1700, mine, othersRead, othersWrite, mode, "1:2", "mode 0644, owner uid 0 (you)");

    [Fact]
    public void An_owner_only_key_of_ones_own_passes() => KeyFileTrust.Require("/k.key", Facts(true, false, false));

    [Fact]
    public void What_the_platform_cannot_tell_does_not_refuse_a_key() => KeyFileTrust.Require("/k.key", Facts(null, null, null));

    [Theory]
    [InlineData(false, false, false, "belongs to another user", "chown")]
    [InlineData(true, true, false, "other users can read it", "chmod 600 '/k.key'")]
    [InlineData(true, false, true, "other users can write it", "chmod 600 '/k.key'")]
    public void A_key_others_own_read_or_write_is_refused_with_the_command_that_fixes_it(bool mine, bool read, bool write, string why, string fix)
    {
        if (System.OperatingSystem.IsWindows())
        {
            return; // the fix there is icacls; the Windows CI checks the same reasons
        }

        var error = Assert.Throws<SaleschatException>(() => KeyFileTrust.Require("/k.key", Facts(mine, read, write)));

        Assert.Equal(ErrorIds.UnprotectedKeyFile, error.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, error.Kind);
        Assert.Equal("/k.key", error.Target);
        Assert.Contains(why, error.Message);
        Assert.Contains(fix, error.Message);
    }
}
