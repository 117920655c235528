using System.Management.Automation;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Saleschat.Emulator;
using Saleschat.Mtls.Host;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// Everything the contenders share: two emulators (HTTP/2 and HTTP/1.1-only), one client certificate made by the
/// module and uploaded to both, its files for curl and openssl, and one engine with the built module imported.
/// </summary>
public sealed class BenchContext : IAsyncDisposable
{
    public const string ApiKey = "sk_bench_Xr4Tn8Qw2Lp6Vz9Km3Hb";

    private BenchContext(string folder, SaleschatEmulator http2, SaleschatEmulator http1, ScriptRunner engine)
    {
        Folder = folder;
        Http2 = http2;
        Http1 = http1;
        Engine = engine;
    }

    public string Folder { get; }

    public SaleschatEmulator Http2 { get; }

    public SaleschatEmulator Http1 { get; }

    public ScriptRunner Engine { get; }

    public string CertificatePath => Path.Combine(Folder, "client.crt");

    public string KeyPath => Path.Combine(Folder, "client.key");

    public string CaPath => Path.Combine(Folder, "ca.pem");

    public X509Certificate2 ClientCertificate { get; private set; } = null!;

    public SaleschatEmulator Emulator(string protocol) => protocol == "h2" ? Http2 : Http1;

    public static async Task<BenchContext> StartAsync()
    {
        string folder = Directory.CreateTempSubdirectory("saleschat-bench-").FullName;
        var http2 = await SaleschatEmulator.StartAsync(new EmulatorOptions { ApiKey = ApiKey });
        var http1 = await SaleschatEmulator.StartAsync(new EmulatorOptions { ApiKey = ApiKey, Protocols = HttpProtocols.Http1 });
        var engine = new ScriptRunner(new TextHost(TextWriter.Null));
        var context = new BenchContext(folder, http2, http1, engine);
        context.MakeCertificate();
        return context;
    }

    /// <summary>Runs a script that must succeed and returns its output.</summary>
    public IReadOnlyList<PSObject> Run(string script, params (string Name, object? Value)[] variables)
    {
        foreach (var (name, value) in variables)
        {
            Engine.SetVariable(name, value);
        }

        ScriptResult result = Engine.Run(script);
        if (result.Errors.Count > 0)
        {
            throw new InvalidOperationException($"Script failed: {script}\n" + string.Join("\n", result.Errors.Take(3).Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        }

        return result.Output;
    }

    /// <summary>A fresh session (its own connection pool) to one emulator, not the default session.</summary>
    public object NewSession(string protocol) => Run(
        "New-SaleschatSession -BaseUri $uri -OrgId org-1 -ApiKey $key -CertificatePath $c -KeyPath $k -ServerCertificateAuthority $ca -RetryIntervalSec 0 -NoDefault",
        ("uri", Emulator(protocol).BaseUri), ("key", Secure(ApiKey)), ("c", CertificatePath), ("k", KeyPath), ("ca", Emulator(protocol).CaCertificate)).Single().BaseObject;

    /// <summary>The raw platform client: SocketsHttpHandler with the same certificate, trusting the emulator's CA.</summary>
    public HttpClient NewRawClient(string protocol)
    {
        X509Certificate2 ca = Emulator(protocol).CaCertificate;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = new X509CertificateCollection { ClientCertificate },
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (errors == SslPolicyErrors.None)
                    {
                        return true;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 server && chain.Build(server);
                },
            },
        };
        var client = new HttpClient(handler) { DefaultRequestVersion = new Version(2, 0), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        client.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
        return client;
    }

    public static System.Security.SecureString Secure(string text)
    {
        var secure = new System.Security.SecureString();
        foreach (char c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    private void MakeCertificate()
    {
        var certificate = (X509Certificate2)Run(
            "New-SaleschatClientKey -Path $k | New-SaleschatClientCertificate -Organization Acme -Path $c",
            ("k", KeyPath), ("c", CertificatePath)).Single().BaseObject;
        Http2.Upload(certificate);
        Http1.Upload(certificate);
        File.WriteAllText(CaPath, Http2.CaPem.Trim() + "\n" + Http1.CaPem.Trim() + "\n");
        using var fromPem = X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath);
        ClientCertificate = X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        Engine.Dispose();
        await Http2.DisposeAsync();
        await Http1.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
