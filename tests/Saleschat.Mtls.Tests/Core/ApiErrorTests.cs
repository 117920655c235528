using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http.Response;
using Saleschat.Mtls.Http;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class ApiErrorTests
{
    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public void A_Retry_After_too_long_to_wait_for_is_named_in_the_error(int status)
    {
        var error = ApiError.From(Response(status, TimeSpan.FromHours(1)));

        Assert.Contains("3600 s (Retry-After)", error.Message);
        Assert.Contains("try again after", error.Message);
        Assert.DoesNotContain("raise -MaximumRetryCount", error.Message); // more retries would not help
    }

    [Fact]
    public void A_429_whose_retries_ran_out_says_to_slow_down()
    {
        var error = ApiError.From(Response(429, TimeSpan.FromSeconds(2)));

        Assert.Contains("retries were exhausted", error.Message);
        Assert.DoesNotContain("Retry-After", error.Message);
    }

    [Fact]
    public void The_saleschat_code_is_read_from_the_body()
    {
        var response = Response(409, null);
        response.Body = "{\"code\":4090001,\"message\":\"UQ_CONSTRAINT_FAILED\",\"description\":\"phone already exists\"}";

        var error = ApiError.From(response);

        Assert.Equal(4090001L, error.SaleschatCode);
        Assert.Equal("UQ_CONSTRAINT_FAILED", error.SaleschatMessage);
        Assert.Contains("Saleschat error 4090001 UQ_CONSTRAINT_FAILED: phone already exists.", error.Message);
    }

    [Theory]
    [InlineData("{\"code\":4030001,\"message\":{\"nested\":1},\"description\":[1,2]}")]
    [InlineData("{\"error\":{\"code\":{},\"message\":[],\"detail\":{}}}")]
    public void An_error_body_of_another_shape_is_shown_as_its_status_never_thrown(string body)
    {
        var response = Response(403, null);
        response.Body = body;

        var error = ApiError.From(response);

        Assert.Null(error.SaleschatMessage);
        Assert.Contains("returned 403", error.Message);
    }

    private static ApiResponse Response(int status, TimeSpan? retryAfter) => new()
    {
        Method = "POST",
        Uri = new Uri("https://mtls.apis.saleschat.pro/v2/org/org-1/contact"),
        StatusCode = status,
        ReasonPhrase = "Too Many Requests",
        ContentType = "application/json",
        Body = "{\"code\":4290001,\"message\":\"RATE_LIMITED\"}",
        RetryAfter = retryAfter,
    };
}
