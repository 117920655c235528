using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Proxies;
using Xunit;

namespace Saleschat.Mtls.Tests.Proxies;

/// <summary>
/// What a proxy did, from the exceptions .NET really throws (texts seen through squid 5.7 and tinyproxy 1.11 in this
/// suite's Pester runs), and the refinement only the session's route can make.
/// </summary>
public sealed class ProxyFailureTests
{
    private static readonly Uri Host = new("https://mtls.apis.t.saleschat.pro/");
    private static readonly ProxyRoute ViaProxy = ProxyRoute.For(ProxySettings.Create(new Uri("http://proxy.example:3128/"), null, false, false), Host);
    private static readonly ProxyRoute Straight = ProxyRoute.For(ProxySettings.Create(null, null, false, true), Host);

    private static HttpRequestException Tunnel(int status, string proxy = "http://127.0.0.1:3128/") =>
        new($"The proxy tunnel request to proxy '{proxy}' failed with status code '{status}'.");

    public static TheoryData<string, Exception, FailureKind> Chains => new()
    {
        { "squid without credentials", Tunnel(407), FailureKind.ProxyAuthenticationRequired },
        { "tinyproxy with wrong credentials answers 401", Tunnel(401), FailureKind.ProxyAuthenticationRequired },
        { "squid's ACL refuses the host", Tunnel(403), FailureKind.ProxyRefused },
        { "squid cannot resolve the host", Tunnel(500), FailureKind.ProxyRefused },
        { "a gateway error", Tunnel(502), FailureKind.ProxyRefused },
        { "the proxy is overloaded", Tunnel(503), FailureKind.ProxyRefused },
        { "wrapped by HttpClient", new HttpRequestException("An error occurred while sending the request.", Tunnel(407)), FailureKind.ProxyAuthenticationRequired },
        { "a 407 that came back as a response (.NET Framework)", new ProxyAnswerException(407, "NTLM, Basic realm=\"corp\""), FailureKind.ProxyAuthenticationRequired },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public void A_failed_CONNECT_is_named_by_the_classifier(string why, Exception exception, FailureKind expected)
    {
        Assert.Equal(expected, FailureClassifier.Classify(exception, timedOut: false));
        Assert.False(string.IsNullOrEmpty(why));
    }

    [Fact]
    public void A_failure_that_is_not_a_proxy_tunnel_is_left_alone()
    {
        var refused = new HttpRequestException("Connection refused (127.0.0.1:1)", new SocketException((int)SocketError.ConnectionRefused));

        Assert.Null(ProxyFailure.FromTunnel(refused));
        Assert.Equal(FailureKind.ConnectionRefused, FailureClassifier.Classify(refused, false));
    }

    [Theory]
    [InlineData(FailureKind.ConnectionRefused)]
    [InlineData(FailureKind.DnsFailure)]
    public void Through_a_proxy_a_connection_failure_is_the_proxy_being_unreachable(FailureKind failure)
    {
        Assert.Equal(FailureKind.ProxyUnreachable, ProxyFailure.Refine(failure, ViaProxy, null, null));
        Assert.Equal(failure, ProxyFailure.Refine(failure, Straight, null, null));
    }

    [Fact]
    public void An_untrusted_certificate_from_another_CA_through_a_proxy_is_TLS_inspection()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new CertificateRequest("CN=Saleschat host CA", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using X509Certificate2 authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.Equal(FailureKind.TlsInspectedByProxy,
            ProxyFailure.Refine(FailureKind.ServerCertificateUntrusted, ViaProxy, "CN=Zscaler Root CA", authority));
        Assert.Equal(FailureKind.TlsInspectedByProxy,
            ProxyFailure.Refine(FailureKind.ServerCertificateUntrusted, ViaProxy, "CN=Zscaler Root CA", null));

        // The host's own CA, refused for another reason (expired, wrong usage): not inspection.
        Assert.Equal(FailureKind.ServerCertificateUntrusted,
            ProxyFailure.Refine(FailureKind.ServerCertificateUntrusted, ViaProxy, authority.Subject, authority));

        // No proxy: nothing to blame it on.
        Assert.Equal(FailureKind.ServerCertificateUntrusted,
            ProxyFailure.Refine(FailureKind.ServerCertificateUntrusted, Straight, "CN=Zscaler Root CA", null));
    }

    [Theory]
    [InlineData(496, "", true)]
    [InlineData(400, "<html><head><title>400 No required SSL certificate was sent</title></head></html>", true)]
    [InlineData(400, "<html><head><title>400 The SSL certificate error</title></head></html>", false)]
    [InlineData(403, "", false)]
    public void No_client_certificate_at_the_host_through_a_proxy_is_inspection(int status, string body, bool expected)
    {
        Assert.Equal(expected, ProxyFailure.SawNoClientCertificate(ViaProxy, status, body));
        Assert.False(ProxyFailure.SawNoClientCertificate(Straight, status, body));
    }

    [Fact]
    public void The_messages_are_one_line_and_never_hold_the_proxy_password()
    {
        var route = ProxyRoute.For(ProxySettings.Create(new Uri("http://alice:Pa55-secret@proxy.example:3128/"), null, false, false), Host);
        Exception thrown = Tunnel(407, "http://alice:Pa55-secret@proxy.example:3128/");

        foreach (FailureKind kind in new[] { FailureKind.ProxyAuthenticationRequired, FailureKind.ProxyRefused, FailureKind.ProxyUnreachable, FailureKind.TlsInspectedByProxy })
        {
            string message = ProxyFailure.Message(kind, "GET " + Host, Host, route, thrown, "CN=Inspector\r\nCA", false)!;
            Assert.DoesNotContain("Pa55-secret", message);
            Assert.DoesNotContain("alice", message);
            Assert.DoesNotContain("\n", message);
            Assert.Contains("http://proxy.example:3128/", message);
        }
    }

    [Fact]
    public void The_challenge_a_proxy_sent_is_named_when_the_platform_kept_it()
    {
        string message = ProxyFailure.Message(FailureKind.ProxyAuthenticationRequired, "GET x", Host, ViaProxy,
            new ProxyAnswerException(407, "Negotiate, NTLM"), null, false)!;

        Assert.Contains("it asks for Negotiate, NTLM", message);
        Assert.Contains("-ProxyCredential", message);
    }

    [Fact]
    public void Without_the_challenge_and_with_no_proxy_to_ask_the_message_says_so()
    {
        // Nothing listens there: the proxy cannot be asked again (a refused connection, at once).
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var gone = ProxyRoute.For(ProxySettings.Create(new Uri($"http://127.0.0.1:{port}/"), null, false, false), Host);

        string message = ProxyFailure.Message(FailureKind.ProxyAuthenticationRequired, "GET x", Host, gone, Tunnel(407), null, false)!;

        Assert.Contains("could not be read", message);
        Assert.Contains("HTTP 407", message);
    }

    [Theory]
    [InlineData("HTTP/1.1 407 Proxy Authentication Required\r\nServer: squid\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0", "Basic realm=\"corp\"")]
    [InlineData("HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Negotiate\r\nProxy-Authenticate: NTLM", "Negotiate, NTLM")]
    [InlineData("HTTP/1.1 407 x\r\nProxy-Authenticate: Basic \u001b[2Jrealm=x", "Basic [2Jrealm=x")]
    [InlineData("HTTP/1.1 200 Connection established", null)]
    [InlineData("SSH-2.0-OpenSSH_9.2", null)]
    [InlineData("", null)]
    public void The_probe_reads_only_a_407s_schemes_and_cleans_them(string headers, string? expected)
    {
        Assert.Equal(expected, ProxyChallengeProbe.Challenges(headers));
    }
}
