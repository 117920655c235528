using Microsoft.AspNetCore.Server.Kestrel.Core;
using Saleschat.Emulator;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>One server a contender calls: its base URI, the CA of its certificate (PEM file) and its protocol.</summary>
public sealed record BenchServer(string Id, string Label, Uri BaseUri, string CaPath, string Protocol, SaleschatEmulator? Emulator);

/// <summary>
/// Everything the contenders share: two emulators (HTTP/2 and HTTP/1.1-only) in this process, Debian's nginx with
/// an HTTP/2 and an HTTP/1.1 server, one client certificate (the module's profile) accepted by
/// all four, the pinned pwsh, the built module and this assembly (the compiled floor the children load).
/// </summary>
public sealed class BenchContext : IAsyncDisposable
{
    public static readonly string[] ServerIds = ["emulator-h2", "emulator-h1", "nginx-h2", "nginx-h1"];

    private BenchContext(string folder, SaleschatEmulator http2, SaleschatEmulator http1, Pwsh pwsh, string module)
    {
        Folder = folder;
        Http2 = http2;
        Http1 = http1;
        Pwsh = pwsh;
        Module = module;
    }

    public string Folder { get; }

    public SaleschatEmulator Http2 { get; }

    public SaleschatEmulator Http1 { get; }

    public Nginx Nginx { get; private set; } = null!;

    public Pwsh Pwsh { get; }

    /// <summary>The module manifest the children import.</summary>
    public string Module { get; }

    /// <summary>This assembly: Invoke-BareGet, Invoke-BarePost and the raw client's loops.</summary>
    public string FloorAssembly => typeof(Floor).Assembly.Location;

    public string ChildScript => Path.Combine(AppContext.BaseDirectory, "bench-child.ps1");

    public string CertificatePath => Path.Combine(Folder, "client.crt");

    public string KeyPath => Path.Combine(Folder, "client.key");

    public IReadOnlyList<BenchServer> Servers { get; private set; } = [];

    public BenchServer Server(string id) => Servers.Single(s => s.Id == id);

    /// <summary>What every child gets: no colour codes, and the API key the module reads from the environment.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["NO_COLOR"] = "1",
        ["TERM"] = "dumb",
        ["SALESCHAT_API_KEY"] = Floor.ApiKey,
        ["SALESCHAT_ORG_ID"] = "org-1",
    };

    public static async Task<BenchContext> StartAsync(BenchOptions options)
    {
        string folder = Directory.CreateTempSubdirectory("saleschat-bench-").FullName;
        var http2 = await SaleschatEmulator.StartAsync(new EmulatorOptions { ApiKey = Floor.ApiKey });
        var http1 = await SaleschatEmulator.StartAsync(new EmulatorOptions { ApiKey = Floor.ApiKey, Protocols = HttpProtocols.Http1 });
        string module = options.Module ?? ModuleLocator.ManifestPath();
        var context = new BenchContext(folder, http2, http1, Pwsh.Locate(options.Pwsh), module);
        try
        {
            context.MakeCertificate();
            context.Nginx = Nginx.Start(folder, context.CertificatePath);
            string ca2 = Path.Combine(folder, "emulator-h2-ca.pem"), ca1 = Path.Combine(folder, "emulator-h1-ca.pem");
            await File.WriteAllTextAsync(ca2, http2.CaPem.Trim() + "\n");
            await File.WriteAllTextAsync(ca1, http1.CaPem.Trim() + "\n");
            context.Servers =
            [
                new("emulator-h2", "emulator, HTTP/2", http2.BaseUri, ca2, "h2", http2),
                new("emulator-h1", "emulator, HTTP/1.1", http1.BaseUri, ca1, "h1", http1),
                new("nginx-h2", "nginx, HTTP/2", context.Nginx.Http2, context.Nginx.CaPath, "h2", null),
                new("nginx-h1", "nginx, HTTP/1.1", context.Nginx.Http1, context.Nginx.CaPath, "h1", null),
            ];
            return context;
        }
        catch
        {
            await context.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The client key and certificate with the module's profile (self-signed RSA 2048, SHA-256, not a CA, client
    /// authentication), made here rather than in one more pwsh: the quick run has no second to spare on this machine.
    /// </summary>
    private void MakeCertificate()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=bench, O=Acme", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509KeyUsageExtension(
            System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.DigitalSignature | System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension(
            new System.Security.Cryptography.OidCollection { new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2") }, false));
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(365));
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            // Owner-only, as the module requires of a key it uses (like ssh).
            File.SetUnixFileMode(KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Http2.Upload(certificate);
        Http1.Upload(certificate);
    }

    public async ValueTask DisposeAsync()
    {
        Nginx?.Dispose();
        await Http2.DisposeAsync();
        await Http1.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
