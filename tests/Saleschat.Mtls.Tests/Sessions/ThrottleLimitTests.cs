using System.Management.Automation;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Sessions;

/// <summary>-ThrottleLimit: piped bodies sent several at a time, written back in input order on the pipeline thread.</summary>
public sealed class ThrottleLimitTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string Cmdlet = "Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand";
    private readonly Engine _engine = fixture.Engine;

    private static string Prefix() => "+44" + Random.Shared.Next(10_000, 99_999);

    [Fact]
    public void Fifty_piped_objects_with_ThrottleLimit_8_all_arrive_in_input_order_over_at_most_8_connections()
    {
        fixture.NewSession(); // a fresh pool: every connection it opens is counted
        long before = fixture.Emulator.TlsConnections;
        string prefix = Prefix();
        var created = _engine.RunOk(
            $"1..50 | ForEach-Object {{ [pscustomobject]@{{ name = \"c$_\"; phone = '{prefix}' + $_ }} }} | Invoke-SaleschatMtlsRequest -Method Post '/v2/org/{{orgId}}/contact' -ThrottleLimit 8");

        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"c{i}"), created.Select(c => (string)c.Properties["name"].Value));
        Assert.Equal(50, created.Select(c => c.Properties["id"].Value).Distinct().Count());
        long connections = fixture.Emulator.TlsConnections - before;
        Assert.InRange(connections, 1, 8);
    }

    [Fact]
    public void Each_failed_item_gives_exactly_one_error_and_the_rest_succeed()
    {
        fixture.NewSession();
        string prefix = Prefix();
        // Items 1..20; every fifth reuses the phone of the item before it, so the later one is a 409.
        var result = _engine.Run(
            $"1..20 | ForEach-Object {{ $n = if ($_ % 5 -eq 0) {{ $_ - 1 }} else {{ $_ }}; [pscustomobject]@{{ name = \"c$_\"; phone = '{prefix}' + $n }} }} | " +
            "Invoke-SaleschatMtlsRequest -Method Post '/v2/org/{orgId}/contact' -ThrottleLimit 6 -Verbose");

        Assert.Equal(4, result.Errors.Count);
        Assert.All(result.Errors, e =>
        {
            Assert.Equal($"SaleschatApiError,{Cmdlet}", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceExists, e.CategoryInfo.Category);
        });
        var names = result.Output.Select(c => (string)c.Properties["name"].Value).ToList();
        Assert.Equal(16, names.Count);
        Assert.Equal(16, names.Distinct().Count());
        Assert.Equal(20, result.Verbose.Count(line => line.Contains("POST", StringComparison.Ordinal) && line.Contains("attempt 1", StringComparison.Ordinal)));
    }

    [Fact]
    public void Ctrl_C_stops_every_item_in_flight_at_once()
    {
        fixture.NewSession();
        using var ps = PowerShell.Create();
        ps.Runspace = _engine.Runner.Runspace;
        ps.AddScript("1..8 | Invoke-SaleschatMtlsRequest -Method Get '/__faults/slow?ms=20000' -ThrottleLimit 4 -MaximumRetryCount 0");
        var running = ps.BeginInvoke();
        Thread.Sleep(500);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ps.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.True(running.IsCompleted);
    }
}
