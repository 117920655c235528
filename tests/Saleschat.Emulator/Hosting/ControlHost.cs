using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Saleschat.Emulator.Certificates;
using Saleschat.Emulator.Control;

namespace Saleschat.Emulator.Hosting;

/// <summary>
/// The plain-HTTP host that stands in for the Saleschat web app (certificate upload) and exposes the counters,
/// so tests and scripts outside the process can drive the emulator.
/// </summary>
internal static class ControlHost
{
    public static WebApplication Build(
        EmulatorOptions options,
        EmulatorCertificates certificates,
        ClientCertificateRegistry registry,
        EmulatorCounters counters)
    {
        var builder = HostFactory.CreateBuilder(options, kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        builder.Services.AddSingleton(certificates);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton(counters);

        var app = builder.Build();
        app.UseRouting();
        ControlEndpoints.Map(app);
        return app;
    }
}
