using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Saleschat.Emulator.Hosting;

/// <summary>Shared plumbing for the two hosts (mTLS port and control port).</summary>
internal static class HostFactory
{
    /// <summary>
    /// An empty builder: no appsettings, no ASPNETCORE_* environment, no default URLs, no console logger, so a test
    /// run is unaffected by whatever directory or environment it happens to start in.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(EmulatorOptions options, Action<KestrelServerOptions> configureKestrel)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            configureKestrel(kestrel);
        });
        builder.Services.AddRoutingCore();
        ConfigureLogging(builder.Logging, options);
        return builder;
    }

    /// <summary>Kestrel was asked for port 0; the OS-chosen port is only known after start.</summary>
    public static int BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel reported no bound address.");
        return new Uri(addresses.Addresses.First()).Port;
    }

    /// <summary>Stops quickly: a test disposing the emulator must not wait for a slow fault route to finish.</summary>
    public static async Task StopAsync(WebApplication app)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void ConfigureLogging(ILoggingBuilder logging, EmulatorOptions options)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Warning);
        if (options.LogToStandardError)
        {
            // stdout belongs to the one JSON start-up line that scripts parse.
            logging.AddSimpleConsole(console => console.SingleLine = true);
            logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
                console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        }
    }
}
