using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Saleschat.Emulator.Api;
using Saleschat.Emulator.Certificates;
using Saleschat.Emulator.Faults;

namespace Saleschat.Emulator.Hosting;

/// <summary>The HTTPS host that plays mtls.apis.saleschat.pro.</summary>
internal static class MtlsHost
{
    public static WebApplication Build(
        EmulatorOptions options,
        EmulatorCertificates certificates,
        ClientCertificatePolicy policy,
        EmulatorCounters counters,
        ContactStore contacts)
    {
        var builder = HostFactory.CreateBuilder(options, kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => ConfigureListener(listen, options, certificates, policy, counters)));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(policy);
        builder.Services.AddSingleton(counters);
        builder.Services.AddSingleton(contacts);

        var app = builder.Build();
        app.UseMiddleware<RequestCountingMiddleware>();
        app.UseMiddleware<CertificateRefusalMiddleware>();
        app.UseRouting();

        HelloEndpoints.Map(app);
        var api = app.MapGroup(string.Empty)
            .AddEndpointFilter<ApiKeyFilter>()
            .AddEndpointFilter<OrgAccessFilter>();
        ContactEndpoints.Map(api);
        FaultEndpoints.Map(api);
        api.MapFallback("{*path}", () => ApiError.NotFound("No such route on the emulator"));
        return app;
    }

    private static void ConfigureListener(
        ListenOptions listen,
        EmulatorOptions options,
        EmulatorCertificates certificates,
        ClientCertificatePolicy policy,
        EmulatorCounters counters)
    {
        listen.Protocols = options.Protocols;
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificates.ServerCertificate,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateMode = options.RequireClientCertificate
                ? ClientCertificateMode.RequireCertificate
                : ClientCertificateMode.AllowCertificate,
            CheckCertificateRevocation = false, // offline, and customer certificates carry no CRL/OCSP anyway

            // Chain errors are ignored on purpose (self-signed client certificates are the normal case);
            // the registration rule is the only thing that may refuse here.
            ClientCertificateValidation = (certificate, _, _) => policy.AcceptDuringHandshake(certificate),
        });

        // Placed after UseHttps, so it only runs for connections whose handshake completed.
        listen.Use(next => connection =>
        {
            counters.RecordTlsConnection();
            var certificate = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
            if (policy.CloseAfterHandshake(certificate))
            {
                // Returning without calling next closes the connection with no HTTP bytes and no TLS alert,
                // which is what edges that "close right after the handshake" look like to a client.
                return Task.CompletedTask;
            }

            return next(connection);
        });
    }
}
