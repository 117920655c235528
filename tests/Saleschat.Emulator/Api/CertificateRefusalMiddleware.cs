using Saleschat.Emulator.Certificates;

namespace Saleschat.Emulator.Api;

/// <summary>
/// The HTTP-level refusal of an unregistered (or missing) client certificate. Runs before the API key check,
/// because an edge rejects the certificate before the application ever sees the request.
/// </summary>
internal sealed class CertificateRefusalMiddleware(RequestDelegate next, ClientCertificatePolicy policy)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var certificate = context.Connection.ClientCertificate;
        if (policy.RefuseRequest(certificate))
        {
            var description = certificate is null
                ? "No client certificate was presented"
                : $"Client certificate {certificate.Thumbprint} is not registered for mTLS (Settings -> mTLS -> Upload Certificate)";
            await ApiError.CertificateNotRegistered(description).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
