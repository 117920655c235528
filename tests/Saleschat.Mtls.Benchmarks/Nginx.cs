using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// Debian's nginx as a real mTLS edge (bench-nginx.conf): run unprivileged from a temp folder, an HTTP/2 and an
/// HTTP/1.1 server on free 127.0.0.1 ports, a server certificate from its own throwaway CA, and the client
/// certificate as the only one it accepts. Its access logs give the TLS connections each contender opened.
/// </summary>
public sealed class Nginx : IDisposable
{
    private readonly Process _process;
    private readonly string _prefix;

    private Nginx(Process process, string prefix, int h2Port, int h1Port, string caPath)
    {
        _process = process;
        _prefix = prefix;
        Http2 = new Uri($"https://127.0.0.1:{h2Port}/");
        Http1 = new Uri($"https://127.0.0.1:{h1Port}/");
        CaPath = caPath;
    }

    public Uri Http2 { get; }

    public Uri Http1 { get; }

    /// <summary>The CA of the server certificate, PEM.</summary>
    public string CaPath { get; }

    public static Nginx Start(string folder, string clientCertificatePath)
    {
        string prefix = Path.Combine(folder, "nginx");
        Directory.CreateDirectory(prefix);
        string caPath = Path.Combine(prefix, "server-ca.pem"), certPath = Path.Combine(prefix, "server.crt"), keyPath = Path.Combine(prefix, "server.key");
        WriteServerCertificate(caPath, certPath, keyPath);
        int h2 = FreePort(), h1 = FreePort();
        string source = AppContext.BaseDirectory;
        string config = File.ReadAllText(Path.Combine(source, "bench-nginx.conf"))
            .Replace("{{PREFIX}}", prefix).Replace("{{H2_PORT}}", h2.ToString()).Replace("{{H1_PORT}}", h1.ToString())
            .Replace("{{CERT}}", certPath).Replace("{{KEY}}", keyPath).Replace("{{CLIENT_CA}}", clientCertificatePath);
        File.WriteAllText(Path.Combine(prefix, "nginx.conf"), config);
        File.Copy(Path.Combine(source, "bench-nginx-routes.conf"), Path.Combine(prefix, "routes.conf"), overwrite: true);

        var start = new ProcessStartInfo("nginx") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-p", prefix, "-c", Path.Combine(prefix, "nginx.conf"), "-e", Path.Combine(prefix, "error.log"), "-g", "daemon off;" })
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start nginx.");
        var nginx = new Nginx(process, prefix, h2, h1, caPath);
        var deadline = Stopwatch.StartNew();
        while (!Listening(h2) || !Listening(h1))
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                string log = File.Exists(Path.Combine(prefix, "error.log")) ? File.ReadAllText(Path.Combine(prefix, "error.log")) : "";
                nginx.Dispose();
                throw new InvalidOperationException($"nginx did not start: {process.StandardError.ReadToEnd()} {log}");
            }

            Thread.Sleep(50);
        }

        return nginx;
    }

    /// <summary>
    /// The distinct $connection values of requests carrying <c>run=tag</c>, once the log holds
    /// <paramref name="expected"/> of them (it is flushed every 250 ms; waits at most 10 s).
    /// </summary>
    public int Connections(string protocol, string tag, int expected)
    {
        string log = Path.Combine(_prefix, protocol == "h2" ? "h2.log" : "h1.log");
        string marker = $"run={tag}";
        // The whole value: "run=c1.module" must not also count "run=c1.module-pipe" (one child runs them all with -Quick).
        bool Tagged(string line) => line.EndsWith(marker, StringComparison.Ordinal) || line.Contains(marker + "&", StringComparison.Ordinal);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var lines = File.Exists(log) ? ReadShared(log).Where(Tagged).ToList() : [];
            if (lines.Count >= expected || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                if (lines.Count < expected)
                {
                    throw new InvalidOperationException($"nginx logged {lines.Count} requests for {tag}, expected {expected}.");
                }

                if (lines.Any(l => l.Split(' ')[1] != "200"))
                {
                    throw new InvalidOperationException($"nginx answered {tag} with a status other than 200: {lines.First(l => l.Split(' ')[1] != "200")}");
                }

                return lines.Select(l => l.Split(' ')[0]).Distinct().Count();
            }

            Thread.Sleep(100);
        }
    }

    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void WriteServerCertificate(string caPath, string certPath, string keyPath)
    {
        using RSA caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Saleschat bench nginx CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        using X509Certificate2 leaf = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), [1, 2, 3, 4, 5, 6, 7, 8]);
        File.WriteAllText(caPath, ca.ExportCertificatePem() + "\n");
        File.WriteAllText(certPath, leaf.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // SIGTERM to the master: it stops its workers too (a SIGKILL would leave them running).
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
            kill.WaitForExit();
            if (!_process.WaitForExit(10_000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
