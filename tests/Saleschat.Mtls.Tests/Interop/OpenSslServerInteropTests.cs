using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Interop;

/// <summary>
/// A foreign TLS stack on the server side: OpenSSL's s_server, which speaks only HTTP/1.x and refuses an
/// unverifiable client certificate with a real TLS alert (unlike Kestrel, which the emulator is built on).
/// </summary>
public sealed class OpenSslServerInteropTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly Engine _engine = fixture.Engine;

    [Fact]
    public void Our_certificate_passes_the_hello_test_against_openssl_over_http_1_1()
    {
        using var dir = new TempFolder();
        MakeClientPair(dir);
        using var server = OpenSslServer.Start(dir, clientCaFile: dir.File("client.crt"), returnVerifyError: true);

        var result = TestMtls(dir, server);

        Assert.True((bool)result.Properties["Success"].Value, $"{result}\n{server.Output}");
        Assert.Equal("Hello, world!", result.Properties["Body"].Value);
        // We ask for HTTP/2; s_server offers no h2 in ALPN, so the request went as HTTP/1.1 and the answer
        // carries the status line of the served file ("HTTP/1.0 200 ok").
        Assert.Equal("HTTP/1.0", result.Properties["HttpVersion"].Value);
        Assert.Contains("verify return:1", server.Output); // s_server verified the certificate we presented
        Assert.Contains("FILE:v4/orgs/org-1/mtls/hello", server.Output);
    }

    [Theory]
    [InlineData("TLS 1.3")]
    [InlineData("TLS 1.2")]
    public void A_certificate_the_server_does_not_trust_is_diagnosed_as_refused_from_the_tls_alert(string protocol)
    {
        using var dir = new TempFolder();
        MakeClientPair(dir);
        OpenSsl.Ok(dir.Path, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.File("other.key"), "-out", dir.File("other.crt"),
            "-days", "2", "-subj", "/CN=Someone else");
        // TLS 1.3 sends the alert after the client's handshake is done (it surfaces on the first read);
        // TLS 1.2 sends it inside the handshake. .NET reports the two through different exception chains.
        string[] extra = protocol == "TLS 1.2" ? ["-tls1_2"] : [];
        using var server = OpenSslServer.Start(dir, clientCaFile: dir.File("other.crt"), returnVerifyError: true, extra);

        // Default retry settings: a refusal must not be retried as if it were a dropped connection.
        var result = TestMtls(dir, server);

        Assert.False((bool)result.Properties["Success"].Value);
        Assert.Equal("ClientCertificateRefused", result.Properties["Diagnosis"].Value.ToString());
        Assert.Contains("alert unknown ca", (string)result.Properties["Message"].Value);
        Assert.Contains("Settings > mTLS", (string)result.Properties["Message"].Value);
        Assert.True(((TimeSpan)result.Properties["Elapsed"].Value) < TimeSpan.FromSeconds(3), "a refusal is final: no retries, no backoff");
        Assert.Contains("verify error", server.Output);
    }

    private void MakeClientPair(TempFolder dir) =>
        _engine.RunOk("New-SaleschatClientKey -Path $k | New-SaleschatClientCertificate -Organization Acme -Path $c | Out-Null",
            ("k", dir.File("client.key")), ("c", dir.File("client.crt")));

    private System.Management.Automation.PSObject TestMtls(TempFolder dir, OpenSslServer server, string extra = "") =>
        _engine.RunOk(
            $"$s = New-SaleschatSession -BaseUri $uri -OrgId org-1 -CertificatePath $c -KeyPath $k -ServerCertificateAuthority $ca -NoDefault {extra}; Test-SaleschatMtls -Session $s",
            ("uri", server.BaseUri), ("c", dir.File("client.crt")), ("k", dir.File("client.key")),
            ("ca", X509CertificateLoader.LoadCertificateFromFile(server.CertificatePath))).Single();
}
