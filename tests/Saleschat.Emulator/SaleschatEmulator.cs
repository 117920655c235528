using System.Security.Cryptography.X509Certificates;
using Saleschat.Emulator.Api;
using Saleschat.Emulator.Certificates;
using Saleschat.Emulator.Hosting;

namespace Saleschat.Emulator;

/// <summary>
/// A local Saleschat mTLS API host: an HTTPS port that demands a registered client certificate and the API key,
/// and a plain-HTTP control port that plays the web app. Both listen on 127.0.0.1 only, on ports the OS chooses,
/// so tests can run in parallel.
/// </summary>
public sealed class SaleschatEmulator : IAsyncDisposable
{
    private readonly WebApplication _mtlsHost;
    private readonly WebApplication _controlHost;
    private readonly EmulatorCertificates _certificates;
    private readonly ClientCertificateRegistry _registry;
    private readonly EmulatorCounters _counters;
    private int _disposed;

    private SaleschatEmulator(
        WebApplication mtlsHost,
        WebApplication controlHost,
        EmulatorCertificates certificates,
        ClientCertificateRegistry registry,
        EmulatorCounters counters)
    {
        _mtlsHost = mtlsHost;
        _controlHost = controlHost;
        _certificates = certificates;
        _registry = registry;
        _counters = counters;
        BaseUri = new Uri($"https://127.0.0.1:{HostFactory.BoundPort(mtlsHost)}/");
        ControlUri = new Uri($"http://127.0.0.1:{HostFactory.BoundPort(controlHost)}/");
    }

    /// <summary>The mTLS API root, <c>https://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The plain-HTTP control root, <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri ControlUri { get; }

    /// <summary>The public certificate of the throwaway CA that signed the server certificate (no private key).</summary>
    public X509Certificate2 CaCertificate => _certificates.CaCertificate;

    public string CaPem => _certificates.CaPem;

    /// <summary>Completed TLS handshakes on the mTLS port (connections that reached HTTP or were closed after it).</summary>
    public long TlsConnections => _counters.TlsConnections;

    /// <summary>HTTP requests seen on the mTLS port, refused ones included.</summary>
    public long Requests => _counters.Requests;

    /// <summary>The protocol of the last request, e.g. "HTTP/2" or "HTTP/1.1".</summary>
    public string? LastProtocol => _counters.LastProtocol;

    public static async Task<SaleschatEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken ct = default)
    {
        options ??= new EmulatorOptions();
        var certificates = EmulatorCertificates.Create();
        var registry = new ClientCertificateRegistry();
        var counters = new EmulatorCounters();
        var policy = new ClientCertificatePolicy(options, registry);
        var mtlsHost = MtlsHost.Build(options, certificates, policy, counters, new ContactStore());
        var controlHost = ControlHost.Build(options, certificates, registry, counters);
        try
        {
            await mtlsHost.StartAsync(ct).ConfigureAwait(false);
            await controlHost.StartAsync(ct).ConfigureAwait(false);
            return new SaleschatEmulator(mtlsHost, controlHost, certificates, registry, counters);
        }
        catch
        {
            await HostFactory.StopAsync(controlHost).ConfigureAwait(false);
            await HostFactory.StopAsync(mtlsHost).ConfigureAwait(false);
            certificates.Dispose();
            throw;
        }
    }

    /// <summary>"Settings -> mTLS -> Upload Certificate": registers the certificate by its SHA-1 thumbprint.</summary>
    public void Upload(X509Certificate2 clientCertificate) => _registry.Register(clientCertificate);

    /// <summary>Registers every certificate in PEM text, as pasted into the web app.</summary>
    /// <exception cref="ArgumentException">The text holds no certificate.</exception>
    public void Upload(string pem) => _registry.RegisterPem(pem);

    public void RemoveAll() => _registry.Clear();

    /// <summary>How many requests arrived on fault routes with <c>key=<paramref name="key"/></c>.</summary>
    public int Attempts(string key) => _counters.Attempts(key);

    public void ResetCounters() => _counters.Reset();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await HostFactory.StopAsync(_controlHost).ConfigureAwait(false);
        await HostFactory.StopAsync(_mtlsHost).ConfigureAwait(false);
        _certificates.Dispose();
    }
}
