using System.Security.Cryptography;
using Saleschat.Emulator.Api;
using Saleschat.Emulator.Certificates;
using Saleschat.Emulator.Hosting;

namespace Saleschat.Emulator.Control;

/// <summary>
/// The control port's routes: the web app's "Upload Certificate" step and read-outs of the emulator's counters,
/// for scripts and tests that run the emulator as a separate process.
/// </summary>
internal static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/certificates", UploadAsync);
        routes.MapDelete("/certificates", (ClientCertificateRegistry registry) =>
        {
            registry.Clear();
            return Results.NoContent();
        });
        routes.MapGet("/stats", (EmulatorCounters counters) => Results.Json(new
        {
            tlsConnections = counters.TlsConnections,
            requests = counters.Requests,
            lastProtocol = counters.LastProtocol,
        }));
        routes.MapPost("/stats/reset", (EmulatorCounters counters) =>
        {
            counters.Reset();
            return Results.NoContent();
        });
        routes.MapGet("/attempts/{key}", (string key, EmulatorCounters counters) =>
            Results.Json(new { key, attempts = counters.Attempts(key) }));
        routes.MapGet("/ca.pem", (EmulatorCertificates certificates) =>
            Results.Text(certificates.CaPem, "application/x-pem-file"));
    }

    private static async Task<IResult> UploadAsync(HttpRequest request, ClientCertificateRegistry registry)
    {
        using var reader = new StreamReader(request.Body);
        var pem = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        try
        {
            registry.RegisterPem(pem);
            return Results.NoContent();
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            return ApiError.BadRequest($"Not a PEM certificate: {exception.Message}");
        }
    }
}
