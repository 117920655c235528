using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http.Response;
using Saleschat.Mtls.Http;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// The HTTP answers with which real edges refuse, read as the cause they are. The nginx pages are nginx 1.22's own
/// (captured from Debian's nginx in tests/Pester/Edges.Tests.ps1); the JSON bodies are Saleschat's error shape.
/// </summary>
public sealed class ResponseRefusalTests
{
    private const string NginxCertificateError =
        "<html>\r\n<head><title>400 The SSL certificate error</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The SSL certificate error</center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";

    private const string NginxNoCertificate =
        "<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent</center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";

    private const string Nginx403 = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";

    public static TheoryData<string, int, string?, RefusalKind> Answers => new()
    {
        { "nginx ssl_verify_client on, unknown or expired certificate", 400, NginxCertificateError, RefusalKind.ClientCertificate },
        { "nginx ssl_verify_client on, no certificate", 400, NginxNoCertificate, RefusalKind.ClientCertificate },
        { "nginx's internal 495, exposed with error_page", 495, null, RefusalKind.ClientCertificate },
        { "nginx's internal 496, exposed with error_page", 496, "", RefusalKind.ClientCertificate },
        { "optional_no_ca + 403, nginx's own page", 403, Nginx403, RefusalKind.ClientCertificate },
        { "403 with Saleschat's not-registered code", 403, "{\"code\":4030002,\"message\":\"CLIENT_CERTIFICATE_NOT_REGISTERED\"}", RefusalKind.ClientCertificate },
        { "403 for another org's path", 403, "{\"error\":{\"code\":4030001,\"message\":\"FORBIDDEN\"}}", RefusalKind.Organization },
        { "403 with another Saleschat code is an ordinary API error", 403, "{\"code\":4030009,\"message\":\"NO_PERMISSION\"}", RefusalKind.None },
        { "401 after the handshake: the key", 401, "{\"code\":4010001,\"message\":\"UNAUTHORIZED\"}", RefusalKind.ApiKey },
        { "401 with no body", 401, null, RefusalKind.ApiKey },
        { "an ordinary 400 from the API", 400, "{\"code\":4000001,\"message\":\"BAD_REQUEST\"}", RefusalKind.None },
        { "a success", 200, "Hello, world!", RefusalKind.None },
        { "a 404", 404, null, RefusalKind.None },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void Names_what_was_refused(string situation, int status, string? body, RefusalKind expected)
    {
        Assert.True(expected == ResponseRefusal.Of(Response(status, body)), situation);
    }

    [Fact]
    public void The_page_title_is_quoted_as_nginx_wrote_it()
    {
        Assert.Equal("The SSL certificate error", ResponseRefusal.NginxPageTitle(NginxCertificateError));
        Assert.Equal("No required SSL certificate was sent", ResponseRefusal.NginxPageTitle(NginxNoCertificate));
        Assert.Null(ResponseRefusal.NginxPageTitle(Nginx403));
        Assert.Null(ResponseRefusal.NginxPageTitle(null));
    }

    [Fact]
    public void An_nginx_refusal_is_a_certificate_error_with_the_page_kept()
    {
        var error = ApiError.From(Response(400, NginxCertificateError), DateTime.UtcNow.AddDays(100));

        Assert.Equal(ErrorIds.ServerRefusedClientCertificate, error.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, error.Kind);
        Assert.Contains("refused the client certificate (HTTP 400 'The SSL certificate error')", error.Message);
        Assert.Equal(400, error.StatusCode);
        Assert.Same(NginxCertificateError, error.Response.Body);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void A_refusal_after_the_certificate_expired_says_expired()
    {
        var notAfter = DateTime.UtcNow.AddDays(-3);
        var error = ApiError.From(Response(400, NginxCertificateError), notAfter);

        Assert.Equal(ErrorIds.CertificateExpired, error.ErrorId);
        Assert.Contains("expired on", error.Message);
        Assert.Contains("Start-SaleschatCertificateRotation", error.Message);
    }

    [Fact]
    public void A_403_refusal_is_permission_denied()
    {
        var error = ApiError.From(Response(403, Nginx403), DateTime.UtcNow.AddDays(100));
        Assert.Equal(ErrorIds.ServerRefusedClientCertificate, error.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
    }

    [Fact]
    public void A_401_is_the_api_key_and_keeps_the_saleschat_code()
    {
        var error = ApiError.From(Response(401, "{\"code\":4010001,\"message\":\"UNAUTHORIZED\"}"), DateTime.UtcNow.AddDays(100));
        Assert.Equal(ErrorIds.ApiKeyRejected, error.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, error.Kind);
        Assert.Equal(4010001L, error.SaleschatCode);
        Assert.Contains("-ApiKey", error.Message);
    }

    [Fact]
    public void Another_org_stays_an_ordinary_api_error()
    {
        var error = ApiError.From(Response(403, "{\"error\":{\"code\":4030001,\"message\":\"FORBIDDEN\"}}"), DateTime.UtcNow.AddDays(100));
        Assert.Equal(ErrorIds.SaleschatApiError, error.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
    }

    private static ApiResponse Response(int status, string? body) => new()
    {
        Method = "GET",
        Uri = new Uri("https://mtls.apis.t.saleschat.pro/v4/orgs/org-1/mtls/hello"),
        StatusCode = status,
        ReasonPhrase = "x",
        Body = body,
    };
}
