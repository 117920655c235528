using Saleschat.Mtls.Files;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// The command a failed KeyFilePermissions check tells a Windows user to paste: by SID (never %USERNAME%, which is
/// localized and ambiguous between local and domain accounts), removing the explicit grants the check listed.
/// </summary>
public sealed class IcaclsAdviceTests
{
    private const string Me = "S-1-5-21-1111111111-2222222222-3333333333-500";

    [Fact]
    public void Grants_the_user_by_SID_and_removes_every_listed_trustee_by_SID()
    {
        string advice = FilePlatform.IcaclsAdvice(@"C:\keys\client.key", Me, new[] { "S-1-5-32-545", "S-1-1-0", "s-1-1-0" });
        Assert.Equal(@"icacls 'C:\keys\client.key' /inheritance:r /grant:r '*" + Me + ":F' /remove:g '*S-1-5-32-545' '*S-1-1-0'", advice);
        Assert.DoesNotContain("USERNAME", advice);
    }

    [Fact]
    public void With_no_one_else_listed_there_is_nothing_to_remove()
    {
        Assert.Equal("icacls 'C:\\k.key' /inheritance:r /grant:r '*" + Me + ":F'", FilePlatform.IcaclsAdvice(@"C:\k.key", Me, null!));
    }

    [Fact]
    public void Names_that_are_not_SIDs_and_the_user_itself_are_left_out_and_quotes_are_escaped()
    {
        string advice = FilePlatform.IcaclsAdvice(@"C:\Ops' keys\k.key", Me, new[] { SddlReaders.EveryoneNullDacl, "LA", Me });
        Assert.Equal(@"icacls 'C:\Ops'' keys\k.key' /inheritance:r /grant:r '*" + Me + ":F'", advice);
    }
}
