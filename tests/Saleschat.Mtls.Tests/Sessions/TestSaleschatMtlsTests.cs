using System.Net;
using System.Net.Sockets;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Sessions;

public sealed class TestSaleschatMtlsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Engine _engine = fixture.Engine;



    [Fact]
    public void An_uploaded_certificate_gets_hello_world()
    {
        fixture.NewSession();
        var result = _engine.RunOk("Test-SaleschatMtls").Single();

        Assert.True((bool)result.Properties["Success"].Value, result.ToString());
        Assert.Equal("Success", result.Properties["Diagnosis"].Value.ToString());
        Assert.Equal(200, (int)result.Properties["StatusCode"].Value);
        Assert.Equal("Hello, world!", result.Properties["Body"].Value);
        Assert.Equal("HTTP/2.0", result.Properties["HttpVersion"].Value);
        Assert.EndsWith("/v4/orgs/org-1/mtls/hello", result.Properties["Uri"].Value.ToString());
        Assert.InRange((int)result.Properties["DaysUntilExpiry"].Value, 364, 365);
        Assert.Equal(fixture.Session.Properties["Thumbprint"].Value, result.Properties["Thumbprint"].Value);
        Assert.True((bool)_engine.RunOk("Test-SaleschatMtls -Quiet").Single().BaseObject);
    }

    [Fact]
    public void A_certificate_that_was_never_uploaded_is_diagnosed_as_refused()
    {
        using var dir = new TempFolder();
        var result = _engine.RunOk(
            "New-SaleschatClientKey -Path $k | New-SaleschatClientCertificate -Organization Other -Path $c | Out-Null; " +
            "$s = New-SaleschatSession -BaseUri $uri -OrgId org-1 -CertificatePath $c -KeyPath $k -ServerCertificateAuthority $ca -NoDefault -MaximumRetryCount 0; Test-SaleschatMtls -Session $s",
            ("k", dir.File("o.key")), ("c", dir.File("o.crt")), ("uri", fixture.Emulator.BaseUri), ("ca", fixture.Emulator.CaCertificate)).Single();

        Assert.False((bool)result.Properties["Success"].Value);
        Assert.Equal("ClientCertificateRefused", result.Properties["Diagnosis"].Value.ToString());
        Assert.Contains("Settings > mTLS", (string)result.Properties["Message"].Value);
    }

    [Fact]
    public void A_server_whose_CA_is_not_trusted_is_refused_and_diagnosed()
    {
        var result = _engine.RunOk(
            "$s = New-SaleschatSession -BaseUri $uri -OrgId org-1 -CertificatePath $c -KeyPath $k -NoDefault -MaximumRetryCount 0; Test-SaleschatMtls -Session $s",
            ("uri", fixture.Emulator.BaseUri), ("c", fixture.CertificatePath), ("k", fixture.KeyPath)).Single();
        Assert.Equal("ServerCertificateUntrusted", result.Properties["Diagnosis"].Value.ToString());
        Assert.Contains("-ServerCertificateAuthority", (string)result.Properties["Message"].Value);
    }

    [Fact]
    public void Another_CA_does_not_make_the_server_trusted()
    {
        using var dir = new TempFolder();
        // A CA that did not sign the server certificate must not be accepted in its place.
        var result = _engine.RunOk(
            "$other = New-SaleschatClientKey | New-SaleschatClientCertificate -CommonName 'Not the emulator CA'; " +
            "$s = New-SaleschatSession -BaseUri $uri -OrgId org-1 -CertificatePath $c -KeyPath $k -ServerCertificateAuthority $other -NoDefault -MaximumRetryCount 0; Test-SaleschatMtls -Session $s",
            ("uri", fixture.Emulator.BaseUri), ("c", fixture.CertificatePath), ("k", fixture.KeyPath)).Single();
        Assert.Equal("ServerCertificateUntrusted", result.Properties["Diagnosis"].Value.ToString());
    }

    [Fact]
    public void A_wrong_org_is_diagnosed()
    {
        var result = _engine.RunOk(
            "$s = New-SaleschatSession -BaseUri $uri -OrgId org-unknown -CertificatePath $c -KeyPath $k -ServerCertificateAuthority $ca -NoDefault; Test-SaleschatMtls -Session $s",
            ("uri", fixture.Emulator.BaseUri), ("c", fixture.CertificatePath), ("k", fixture.KeyPath), ("ca", fixture.Emulator.CaCertificate)).Single();
        Assert.Equal("WrongOrganization", result.Properties["Diagnosis"].Value.ToString());
    }

    [Fact]
    public void An_unresolvable_host_is_a_dns_failure()
    {
        var result = _engine.RunOk(
            "$s = New-SaleschatSession -BaseUri https://saleschat-mtls-test.invalid/ -OrgId org-1 -CertificatePath $c -KeyPath $k -NoDefault -MaximumRetryCount 0 -TimeoutSec 20; Test-SaleschatMtls -Session $s",
            ("c", fixture.CertificatePath), ("k", fixture.KeyPath)).Single();
        Assert.Equal("DnsFailure", result.Properties["Diagnosis"].Value.ToString());
    }

    [Fact]
    public void A_closed_port_is_connection_refused()
    {
        int port = FreePort();
        var result = _engine.RunOk(
            $"$s = New-SaleschatSession -BaseUri https://127.0.0.1:{port}/ -OrgId org-1 -CertificatePath $c -KeyPath $k -NoDefault -MaximumRetryCount 0; Test-SaleschatMtls -Session $s",
            ("c", fixture.CertificatePath), ("k", fixture.KeyPath)).Single();
        Assert.Equal("ConnectionRefused", result.Properties["Diagnosis"].Value.ToString());
    }

    [Fact]
    public void A_server_that_never_answers_is_a_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts connections (backlog) and never speaks TLS
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var result = _engine.RunOk(
            $"$s = New-SaleschatSession -BaseUri https://127.0.0.1:{port}/ -OrgId org-1 -CertificatePath $c -KeyPath $k -NoDefault -MaximumRetryCount 0 -TimeoutSec 1; Test-SaleschatMtls -Session $s",
            ("c", fixture.CertificatePath), ("k", fixture.KeyPath)).Single();
        Assert.Equal("Timeout", result.Properties["Diagnosis"].Value.ToString());
        Assert.InRange(((TimeSpan)result.Properties["Elapsed"].Value).TotalSeconds, 0.9, 10);
    }

    [Fact]
    public void The_hello_call_retries_a_dropped_connection_once_so_a_refusal_is_diagnosed_quickly()
    {
        using var closing = new TcpListener(IPAddress.Loopback, 0);
        closing.Start();
        int accepted = 0;
        using var stop = new CancellationTokenSource();
        var acceptor = Task.Run(async () =>
        {
            // Accepts and closes at once, like an edge dropping an unknown client certificate.
            while (!stop.IsCancellationRequested)
            {
                using var client = await closing.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref accepted);
            }
        });
        int port = ((IPEndPoint)closing.LocalEndpoint).Port;

        var result = _engine.RunOk(
            $"$s = New-SaleschatSession -BaseUri https://127.0.0.1:{port}/ -OrgId org-1 -CertificatePath $c -KeyPath $k -NoDefault -MaximumRetryCount 5 -RetryIntervalSec 0; Test-SaleschatMtls -Session $s",
            ("c", fixture.CertificatePath), ("k", fixture.KeyPath)).Single();
        stop.Cancel();

        Assert.Equal("ClientCertificateRefused", result.Properties["Diagnosis"].Value.ToString());
        Assert.Equal(2, Volatile.Read(ref accepted));
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

public sealed class Http403RefusalTests(Http403EmulatorFixture fixture) : IClassFixture<Http403EmulatorFixture>
{
    [Fact]
    public void An_edge_that_answers_403_for_an_unknown_certificate_is_diagnosed_as_refused()
    {
        using var dir = new TempFolder();
        var result = fixture.Engine.RunOk(
            "New-SaleschatClientKey -Path $k | New-SaleschatClientCertificate -Organization Other -Path $c | Out-Null; " +
            "$s = New-SaleschatSession -BaseUri $uri -OrgId org-1 -CertificatePath $c -KeyPath $k -ServerCertificateAuthority $ca -NoDefault; Test-SaleschatMtls -Session $s",
            ("k", dir.File("o.key")), ("c", dir.File("o.crt")), ("uri", fixture.Emulator.BaseUri), ("ca", fixture.Emulator.CaCertificate)).Single();
        Assert.Equal("ClientCertificateRefused", result.Properties["Diagnosis"].Value.ToString());
        Assert.Equal(403, (int)result.Properties["StatusCode"].Value);
    }
}
