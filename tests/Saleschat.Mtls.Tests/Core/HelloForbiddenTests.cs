using Saleschat.Mtls.Diagnostics;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http.Response;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class HelloForbiddenTests
{
    private static (ApiResponse, ApiError) Answer(int status, string body)
    {
        var response = new ApiResponse { StatusCode = status, Body = body, ContentType = "application/json" };
        return (response, ApiError.From(response));
    }

    [Theory]
    [InlineData("{\"code\":4030009,\"message\":\"CLIENT_CERTIFICATE_NOT_REGISTERED\"}")]
    [InlineData("{\"code\":4030010,\"message\":\"FORBIDDEN\",\"description\":\"client cert revoked\"}")]
    [InlineData("{\"error\":{\"code\":4030011,\"message\":\"MTLS_CERTIFICATE_UNKNOWN\"}}")]
    [InlineData("{\"code\":4030002,\"message\":\"X\"}")]
    public void A_403_whose_words_name_the_certificate_is_a_certificate_refusal(string body)
    {
        var (response, error) = Answer(403, body);
        Assert.True(HelloForbidden.NamesCertificate(response, error));
    }

    [Theory]
    [InlineData(403, "{\"code\":4030001,\"message\":\"FORBIDDEN\",\"description\":\"no access to this certificate's org\"}")]
    [InlineData(403, "{\"code\":4030077,\"message\":\"IP_NOT_ALLOWED\"}")]
    [InlineData(403, "{\"code\":4030078,\"message\":\"CONCERT_TICKETS\"}")]
    [InlineData(400, "{\"code\":4000009,\"message\":\"CLIENT_CERTIFICATE_NOT_REGISTERED\"}")]
    public void The_org_code_other_words_and_other_statuses_are_not(int status, string body)
    {
        var (response, error) = Answer(status, body);
        Assert.False(HelloForbidden.NamesCertificate(response, error));
    }

    [Fact]
    public void The_server_s_own_words_are_kept_for_the_message()
    {
        var (_, error) = Answer(403, "{\"code\":4030009,\"message\":\"CLIENT_CERTIFICATE_NOT_REGISTERED\",\"description\":\"upload it\\u001b[2J\"}");
        Assert.Equal("4030009 CLIENT_CERTIFICATE_NOT_REGISTERED: upload it[2J", HelloForbidden.ServerWords(error));
    }
}
