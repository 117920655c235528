using Saleschat.Mtls.Cmdlets;
using Saleschat.Mtls.Module;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>The Release value of HKLM\...\NDP\v4\Full decides; 461808 is .NET Framework 4.7.2.</summary>
public sealed class NetFrameworkRequirementTests
{
    [Theory]
    [InlineData(394802)] // 4.6.2
    [InlineData(460798)] // 4.7
    [InlineData(461308)] // 4.7.1
    [InlineData(461807)]
    public void Older_than_472_says_what_to_install(int release)
    {
        string problem = NetFrameworkRequirement.Problem(release)!;
        Assert.Contains("4.7.2", problem);
        Assert.Contains("Install .NET Framework 4.8", problem);
        Assert.Contains(release.ToString(), problem);
    }

    [Theory]
    [InlineData(461808)] // 4.7.2
    [InlineData(528040)] // 4.8
    [InlineData(533320)] // 4.8.1
    [InlineData(null)]   // not readable: let the import go on rather than guess
    public void Release_472_and_later_or_unknown_passes(int? release)
    {
        Assert.Null(NetFrameworkRequirement.Problem(release));
    }

    [Fact]
    public void On_this_runtime_the_check_does_nothing()
    {
        NetFrameworkRequirement.Check(); // .NET 10: returns before touching the registry
        new ModuleLifetime().OnImport();
    }
}
