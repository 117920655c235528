namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>
/// <c>openssl s_server -HTTP</c> on 127.0.0.1 as a foreign mTLS host: a self-signed server certificate with
/// SAN IP:127.0.0.1, client certificates required (<c>-Verify 1</c>) and checked against <c>-CAfile</c>, and the
/// hello route served from a file that holds a whole HTTP response. It speaks HTTP/1.x only (no h2).
/// </summary>
public sealed class OpenSslServer : IDisposable
{
    public const string HelloResponse = "HTTP/1.0 200 ok\r\nContent-Type: text/plain\r\n\r\nHello, world!";

    private readonly ExternalProcess _process;

    private OpenSslServer(ExternalProcess process, int port, string certificatePath)
    {
        _process = process;
        Port = port;
        CertificatePath = certificatePath;
    }

    public int Port { get; }

    public Uri BaseUri => new($"https://127.0.0.1:{Port}/");

    /// <summary>The self-signed server certificate (PEM), which clients trust as its own CA.</summary>
    public string CertificatePath { get; }

    /// <summary>What s_server printed: verify results, alerts.</summary>
    public string Output => _process.Output;

    /// <param name="folder">Where the server key, certificate and document root go.</param>
    /// <param name="clientCaFile">The only certificates a client may chain to (<c>-CAfile</c>).</param>
    /// <param name="returnVerifyError">Add <c>-verify_return_error</c>: refuse an unverifiable client with a TLS alert
    /// (without it s_server only logs the error and goes on).</param>
    /// <param name="extraArgs">More s_server options, e.g. <c>-tls1_2</c>.</param>
    public static OpenSslServer Start(TempFolder folder, string clientCaFile, bool returnVerifyError, params string[] extraArgs)
    {
        string key = folder.File("srv.key"), certificate = folder.File("srv.crt");
        if (!File.Exists(certificate))
        {
            OpenSsl.Ok(folder.Path, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        }

        string root = Path.Combine(folder.Path, "www");
        string hello = Path.Combine(root, "v4", "orgs", "org-1", "mtls", "hello");
        Directory.CreateDirectory(Path.GetDirectoryName(hello)!);
        File.WriteAllText(hello, HelloResponse);

        // The port is free when chosen; another process may take it first, so try a few.
        for (int attempt = 1; ; attempt++)
        {
            int port = Loopback.FreePort();
            var args = new List<string>
            {
                "s_server", "-accept", $"127.0.0.1:{port}", "-cert", certificate, "-key", key,
                "-Verify", "1", "-CAfile", clientCaFile, "-HTTP",
            };
            if (returnVerifyError) args.Add("-verify_return_error");
            args.AddRange(extraArgs);
            var process = ExternalProcess.Start("openssl", root, args.ToArray());
            if (Loopback.WaitUntilListening(port, TimeSpan.FromSeconds(10), () => process.HasExited))
            {
                return new OpenSslServer(process, port, certificate);
            }

            string output = process.Output;
            process.Dispose();
            if (attempt == 3)
            {
                throw new Xunit.Sdk.XunitException($"openssl s_server did not listen on 127.0.0.1:{port}:\n{output}");
            }
        }
    }

    public void Dispose() => _process.Dispose();
}
