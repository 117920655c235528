using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Ecosystem;

public sealed class ModuleLifetimeTests
{
    [Fact]
    public void Remove_Module_closes_the_default_session_and_import_does_no_work()
    {
        using var engine = new Engine();
        var before = engine.RunOk("[Saleschat.Mtls.Sessions.DefaultSession]::Current -eq $null").Single();
        Assert.True((bool)before.BaseObject); // nothing is set up at import

        engine.RunOk("New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Life | New-SaleschatSession -OrgId o -Environment UAT | Out-Null");
        Assert.False((bool)engine.RunOk("[Saleschat.Mtls.Sessions.DefaultSession]::Current -eq $null").Single().BaseObject);

        engine.RunOk("Remove-Module Saleschat.Mtls");
        Assert.True((bool)engine.RunOk("[Saleschat.Mtls.Sessions.DefaultSession]::Current -eq $null").Single().BaseObject);
    }
}
