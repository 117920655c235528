using Saleschat.Emulator.Certificates;

namespace Saleschat.Emulator.Api;

/// <summary>
/// The HTTP-level refusal of an unregistered (or missing) client certificate. Runs before the API key check,
/// because an edge rejects the certificate before the application ever sees the request.
/// </summary>
internal sealed class CertificateRefusalMiddleware(RequestDelegate next, ClientCertificatePolicy policy, EmulatorOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var certificate = context.Connection.ClientCertificate;
        if (policy.RefuseRequest(certificate))
        {
            if (options.Refusal == RefusalMode.NginxPage)
            {
                await WriteNginxPageAsync(context, certificate is null ? "No required SSL certificate was sent" : "The SSL certificate error").ConfigureAwait(false);
                return;
            }

            var description = certificate is null
                ? "No client certificate was presented"
                : ClientCertificatePolicy.IsOutsideValidity(certificate)
                    ? $"Client certificate {certificate.Thumbprint} is outside its validity period (expired or not yet valid)"
                    : $"Client certificate {certificate.Thumbprint} is not registered for mTLS (Settings -> mTLS -> Upload Certificate)";
            await ApiError.CertificateNotRegistered(description).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>nginx 1.22's page for its internal 495/496 (src/http/ngx_http_special_response.c), sent as a 400.</summary>
    private static Task WriteNginxPageAsync(HttpContext context, string title)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/html";
        context.Response.Headers.Server = "nginx";
        return context.Response.WriteAsync(
            $"<html>\r\n<head><title>400 {title}</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>{title}</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
    }
}
