using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Request;
using Saleschat.Mtls.Http;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class HeaderValidatorTests
{
    [Theory]
    [InlineData("X-Request-Id", "abc 123")]
    [InlineData("X-Tab", "a\tb")]
    [InlineData("If-Match", "\"etag\"")]
    [InlineData("X-Empty", "")]
    [InlineData("X_Odd!#$%&'*+-.^`|~", "v")]
    public void Ordinary_headers_pass(string name, string value) => HeaderValidator.Validate(name, value);

    [Theory]
    [InlineData("X-A", "v\r\nX-Injected: 1")]
    [InlineData("X-A", "v\nX-Injected: 1")]
    [InlineData("X-A", "v\rX")]
    [InlineData("X-A", "v\0w")]
    [InlineData("X-A", "v\u001b[31m")]
    [InlineData("X-A", "v\u007f")]
    [InlineData("X-A\r\nX-Injected", "1")]
    [InlineData("X-A: 1", "1")]
    [InlineData("X A", "1")]
    [InlineData("X-\u00e9", "1")]
    [InlineData("", "1")]
    public void Injection_and_invalid_names_are_refused(string name, string value)
    {
        var error = Assert.Throws<SaleschatException>(() => HeaderValidator.Validate(name, value));

        Assert.Equal(ErrorIds.InvalidHeader, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.True(error.Message.IndexOfAny(['\r', '\n', '\0']) < 0, error.Message); // the message cannot inject either
    }

    [Fact]
    public void The_message_names_the_header_and_the_problem_but_not_the_value()
    {
        var error = Assert.Throws<SaleschatException>(() => HeaderValidator.Validate("X-Secret", "token-value\r\nX: 1"));

        Assert.Contains("X-Secret", error.Message);
        Assert.Contains("carriage return", error.Message);
        Assert.DoesNotContain("token-value", error.Message);
    }
}
