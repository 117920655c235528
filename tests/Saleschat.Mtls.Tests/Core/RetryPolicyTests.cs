using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// When a call is tried again: only when the server cannot have acted on it (429, 503, a refused connection),
/// or when acting twice is harmless (idempotent methods); never for failures that waiting cannot heal.
/// </summary>
public sealed class RetryPolicyTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(429, "POST")]
    [InlineData(503, "POST")]
    [InlineData(429, "PATCH")]
    [InlineData(503, "GET")]
    public void Status_429_and_503_are_retried_for_every_method(int status, string method)
    {
        Assert.NotNull(new RetryPolicy(3, Second).AfterStatus(1, method, status, retryAfter: null));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public void Status_500_502_504_are_retried_only_for_idempotent_methods(int status)
    {
        var policy = new RetryPolicy(3, Second);
        foreach (string method in new[] { "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "get" })
        {
            Assert.True(policy.AfterStatus(1, method, status, null) != null, $"{method} {status} should be retried");
        }

        foreach (string method in new[] { "POST", "PATCH" })
        {
            Assert.True(policy.AfterStatus(1, method, status, null) == null, $"{method} {status} may have acted: no retry");
        }
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(501)]
    public void Answers_that_retrying_cannot_change_are_final(int status)
    {
        Assert.Null(new RetryPolicy(3, Second).AfterStatus(1, "GET", status, null));
    }

    [Fact]
    public void Retry_After_is_waited_for_exactly_up_to_the_cap()
    {
        var policy = new RetryPolicy(3, Second, new FixedRandom(0.5));
        Assert.Equal(TimeSpan.FromSeconds(7), policy.AfterStatus(1, "POST", 429, TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.Zero, policy.AfterStatus(1, "POST", 503, TimeSpan.Zero));
        Assert.Equal(RetryPolicy.MaximumRetryAfter, policy.AfterStatus(1, "POST", 429, RetryPolicy.MaximumRetryAfter));
    }

    [Fact]
    public void A_Retry_After_beyond_the_cap_is_not_waited_for()
    {
        var policy = new RetryPolicy(3, Second);
        Assert.Null(policy.AfterStatus(1, "GET", 429, RetryPolicy.MaximumRetryAfter + Second));
        Assert.Null(policy.AfterStatus(1, "GET", 503, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Retries_stop_after_MaximumRetryCount()
    {
        var policy = new RetryPolicy(2, Second);
        Assert.NotNull(policy.AfterStatus(2, "GET", 503, null));
        Assert.Null(policy.AfterStatus(3, "GET", 503, null));
        Assert.Null(policy.AfterFailure(3, "GET", FailureKind.ConnectionRefused));
        Assert.Null(new RetryPolicy(0, Second).AfterStatus(1, "GET", 503, Second));
    }

    [Fact]
    public void Backoff_doubles_per_attempt_within_equal_jitter_bounds()
    {
        // Equal jitter: half of base * 2^(attempt-1) is fixed, the other half random.
        var lowest = new RetryPolicy(10, Second, new FixedRandom(0.0));
        var highest = new RetryPolicy(10, Second, new FixedRandom(0.999999));
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            double full = Math.Pow(2, attempt - 1);
            Assert.Equal(full / 2, lowest.Backoff(attempt).TotalSeconds, 3);
            Assert.Equal(full, highest.Backoff(attempt).TotalSeconds, 3);
        }

        var random = new RetryPolicy(10, Second, new Random(12345));
        for (int attempt = 1; attempt <= 6; attempt++)
        {
            double full = Math.Pow(2, attempt - 1);
            for (int i = 0; i < 50; i++)
            {
                Assert.InRange(random.Backoff(attempt).TotalSeconds, full / 2, full);
            }
        }
    }

    [Fact]
    public void Backoff_is_capped_at_a_minute()
    {
        var highest = new RetryPolicy(100, Second, new FixedRandom(0.999999));
        Assert.InRange(highest.Backoff(7).TotalSeconds, 59.9, 60);   // 64 s capped
        Assert.InRange(highest.Backoff(40).TotalSeconds, 59.9, 60);  // no overflow far out
        Assert.InRange(new RetryPolicy(100, Second, new FixedRandom(0)).Backoff(40).TotalSeconds, 30, 30);
    }

    [Fact]
    public void A_zero_interval_retries_at_once()
    {
        var policy = new RetryPolicy(3, TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, policy.AfterStatus(1, "GET", 503, null));
        Assert.Equal(TimeSpan.Zero, policy.AfterFailure(2, "POST", FailureKind.ConnectionRefused));
    }

    [Fact]
    public void Negative_settings_mean_no_retries_and_no_wait()
    {
        var policy = new RetryPolicy(-1, TimeSpan.FromSeconds(-5));
        Assert.Equal(0, policy.MaximumRetryCount);
        Assert.Equal(TimeSpan.Zero, policy.RetryInterval);
    }

    [Fact]
    public void A_refused_connection_is_retried_even_for_POST_because_nothing_was_sent()
    {
        Assert.NotNull(new RetryPolicy(3, Second).AfterFailure(1, "POST", FailureKind.ConnectionRefused));
    }

    [Theory]
    [InlineData(FailureKind.ConnectionClosed)]
    [InlineData(FailureKind.Timeout)]
    [InlineData(FailureKind.NetworkError)]
    public void Failures_after_sending_are_retried_only_for_idempotent_methods(FailureKind failure)
    {
        var policy = new RetryPolicy(3, Second);
        Assert.NotNull(policy.AfterFailure(1, "GET", failure));
        Assert.NotNull(policy.AfterFailure(1, "DELETE", failure));
        Assert.Null(policy.AfterFailure(1, "POST", failure));
        Assert.Null(policy.AfterFailure(1, "PATCH", failure));
    }

    [Theory]
    [InlineData(FailureKind.DnsFailure)]
    [InlineData(FailureKind.ServerCertificateUntrusted)]
    [InlineData(FailureKind.ClientCertificateRefused)]
    public void Failures_that_waiting_cannot_heal_are_never_retried(FailureKind failure)
    {
        var policy = new RetryPolicy(3, Second);
        Assert.Null(policy.AfterFailure(1, "GET", failure));
        Assert.Null(policy.AfterFailure(1, "POST", failure));
    }

    /// <summary>Pins the jitter so its bounds can be checked exactly.</summary>
    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }
}
