using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Sessions;

public sealed class SessionSettingsTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Theory]
    [InlineData("-Environment UAT", "https://mtls.apis.t.saleschat.pro/", "UAT")]
    [InlineData("-Environment Production", "https://mtls.apis.saleschat.pro/", "Production")]
    [InlineData("", "https://mtls.apis.saleschat.pro/", "Production")]
    [InlineData("-Environment UAT -BaseUri https://127.0.0.1:9443", "https://127.0.0.1:9443/", "Custom")]
    public void The_environment_picks_the_documented_mtls_host(string arguments, string expected, string environment)
    {
        var session = fixture.Engine.RunOk($"New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Env | New-SaleschatSession -OrgId o {arguments} -NoDefault").Single();
        Assert.Equal(expected, session.Properties["BaseUri"].Value.ToString());
        Assert.Equal(environment, session.Properties["Environment"].Value.ToString());
    }

    [Theory]
    [InlineData("-Environment Custom")]
    [InlineData("-BaseUri http://127.0.0.1:9443")]
    public void A_custom_host_needs_an_https_BaseUri(string arguments)
    {
        var result = fixture.Engine.Run($"New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Env | New-SaleschatSession -OrgId o {arguments} -NoDefault");
        Assert.Equal("InvalidBaseUri,Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand", Assert.Single(result.Errors).FullyQualifiedErrorId);
    }
}
