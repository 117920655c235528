using System.Management.Automation;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Sessions;

public sealed class RetryAfterLimitTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public void A_Retry_After_of_an_hour_is_not_waited_for_and_the_error_says_when_to_come_back()
    {
        fixture.NewSession();
        string key = Guid.NewGuid().ToString("N");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = fixture.Engine.Run($"Invoke-SaleschatMtlsRequest -Method Post '/__faults/status/429?times=1&retryAfter=3600&key={key}' -Body @{{ x = 1 }} -MaximumRetryCount 3");

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString()); // a runbook is not parked for an hour
        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Equal(429, (int)((dynamic)error.Exception).StatusCode);
        Assert.Contains("3600 s (Retry-After)", error.Exception.Message);
        Assert.Equal(1, fixture.Emulator.Attempts(key));
    }
}
