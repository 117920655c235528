using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Sessions;

/// <summary>Every place that reports days left agrees: the certificate, the check, the session and the hello call.</summary>
public sealed class ExpiryConsistencyTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public void Days_left_agree_everywhere_and_gates_and_warnings_use_them()
    {
        using var dir = new TempFolder();
        var engine = fixture.Engine;
        var result = engine.Run(
            "$c = New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Soon -ValidityDays 20; $up.Upload($c); " +
            "$s = New-SaleschatSession -BaseUri $uri -OrgId org-1 -Certificate $c -ServerCertificateAuthority $ca -NoDefault; " +
            "$c.DaysUntilExpiry; (Test-SaleschatClientCertificate $c).DaysUntilExpiry; $s.DaysUntilExpiry; (Test-SaleschatMtls -Session $s).DaysUntilExpiry; " +
            "Test-SaleschatClientCertificate $c -MinimumDaysValid 19 -Quiet; Test-SaleschatClientCertificate $c -MinimumDaysValid 20 -Quiet; " +
            "$quiet = New-SaleschatSession -BaseUri $uri -OrgId org-1 -Certificate $c -ServerCertificateAuthority $ca -NoDefault -ExpiryWarningDays 10",
            ("up", fixture.Emulator), ("uri", fixture.Emulator.BaseUri), ("ca", fixture.Emulator.CaCertificate));

        Assert.Empty(result.Errors);
        var values = result.Output.Select(o => o.BaseObject).ToArray();
        Assert.Equal(new object[] { 19, 19, 19, 19, true, false }, values);
        Assert.Equal(new[] { "expires in 19 days" }, result.Warnings.Select(w => w.Contains("expires in 19 days") ? "expires in 19 days" : w).ToArray());
    }
}
