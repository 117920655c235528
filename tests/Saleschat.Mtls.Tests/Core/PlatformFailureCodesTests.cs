using System.ComponentModel;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// The chains .NET Framework's HttpClientHandler throws (HttpRequestException around a WebException whose Status
/// says what happened; referencesource HttpClientHandler.cs) and the SChannel codes both runtimes carry, with
/// messages in another language: the classification must come from types, statuses and codes alone.
/// </summary>
public sealed class PlatformFailureCodesTests
{
    // German Windows wording, so no English phrase can decide.
    private const string Aborted = "Die Anfrage wurde abgebrochen: Es konnte kein geschützter SSL/TLS-Kanal erstellt werden.";
    private const string Sent = "Fehler beim Senden der Anforderung.";

    private static Exception NetFramework(WebExceptionStatus status, Exception? inner = null) =>
        new HttpRequestException(Sent, new WebException("Le serveur distant a retourné une erreur.", inner, status, null));

    public static TheoryData<string, Exception, FailureKind> Chains => new()
    {
        { "5.1: TLS refusal, no inner exception", new HttpRequestException(Sent, new WebException(Aborted, WebExceptionStatus.SecureChannelFailure)), FailureKind.ClientCertificateRefused },
        { "5.1: DNS", NetFramework(WebExceptionStatus.NameResolutionFailure), FailureKind.DnsFailure },
        { "5.1: proxy name", NetFramework(WebExceptionStatus.ProxyNameResolutionFailure), FailureKind.DnsFailure },
        { "5.1: connect failure without a socket code", NetFramework(WebExceptionStatus.ConnectFailure), FailureKind.ConnectionRefused },
        { "5.1: connect failure, socket says refused", NetFramework(WebExceptionStatus.ConnectFailure, new SocketException((int)SocketError.ConnectionRefused)), FailureKind.ConnectionRefused },
        { "5.1: connect failure, socket says timed out", NetFramework(WebExceptionStatus.ConnectFailure, new SocketException((int)SocketError.TimedOut)), FailureKind.Timeout },
        { "5.1: timeout", NetFramework(WebExceptionStatus.Timeout), FailureKind.Timeout },
        { "5.1: our validator said no", NetFramework(WebExceptionStatus.TrustFailure, new AuthenticationException("Das Remotezertifikat ist laut Validierungsverfahren ungültig.")), FailureKind.ServerCertificateUntrusted },
        { "5.1: connection closed", NetFramework(WebExceptionStatus.ConnectionClosed), FailureKind.ConnectionClosed },
        { "5.1: receive failure", NetFramework(WebExceptionStatus.ReceiveFailure, new System.IO.IOException("Die Verbindung wurde getrennt.")), FailureKind.ConnectionClosed },
        { "5.1: send failure", NetFramework(WebExceptionStatus.SendFailure), FailureKind.ConnectionClosed },
        { "5.1: keep-alive failure", NetFramework(WebExceptionStatus.KeepAliveFailure), FailureKind.ConnectionClosed },
        { "5.1: secure channel failure naming an unusable key", NetFramework(WebExceptionStatus.SecureChannelFailure, new Win32Exception(unchecked((int)0x8009030D), "Die angegebenen Anmeldeinformationen wurden nicht erkannt.")), FailureKind.ClientKeyUnusable },
        { "7 on Windows: no credentials (ephemeral key)", new HttpRequestException(Sent, new AuthenticationException("Fehler", new Win32Exception(unchecked((int)0x8009030E), "x"))), FailureKind.ClientKeyUnusable },
        { "7 on Windows: TLS 1.3 with a CAPI key (dotnet/runtime#58927)", new HttpRequestException(Sent, new AuthenticationException("Fehler", new Win32Exception(unchecked((int)0x80090304), "x"))), FailureKind.ClientKeyUnusable },
        { "7 on Windows: peer alert", new HttpRequestException(Sent, new AuthenticationException("Fehler", new Win32Exception(unchecked((int)0x80090326), "x"))), FailureKind.ClientCertificateRefused },
        { "7 on Windows: TLS 1.3 refusal on first read (dotnet/runtime#69315)", new HttpRequestException(Sent, new System.IO.IOException("Fehler", new Win32Exception(unchecked((int)0x80090327), "x"))), FailureKind.ClientCertificateRefused },
        { "7 on Windows: the server sent unknown_ca (SEC_E_UNTRUSTED_ROOT)", new HttpRequestException(Sent, new AuthenticationException("Fehler", new Win32Exception(unchecked((int)0x80090325), "x"))), FailureKind.ClientCertificateRefused },
        { "5.1: the server sent certificate_expired (SEC_E_CERT_EXPIRED)", NetFramework(WebExceptionStatus.SecureChannelFailure, new Win32Exception(unchecked((int)0x80090328), "x")), FailureKind.ClientCertificateRefused },
        { "key set missing, as an HResult", new HttpRequestException(Sent, new CryptographicException(unchecked((int)0x80090016))), FailureKind.ClientKeyUnusable },
        { "DNS from the socket code alone", new HttpRequestException("Hôte inconnu", new SocketException((int)SocketError.HostNotFound)), FailureKind.DnsFailure },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public void Each_chain_is_named_without_reading_its_words(string what, Exception chain, FailureKind expected)
    {
        Assert.True(expected == PlatformFailureCodes.Classify(chain), what);
        Assert.True(expected == FailureClassifier.Classify(chain, timedOut: false), what);
    }

    /// <summary>
    /// "Schannel error codes for TLS and SSL alerts" (learn.microsoft.com): the code SChannel returns when it receives
    /// each alert. Every alert a server sends about a client certificate is that server refusing ours; none says the
    /// server is untrusted (.NET validates the server's certificate itself).
    /// </summary>
    [Theory]
    [InlineData(0x80090326u, "handshake_failure (40), unexpected_message, decode_error, illegal_parameter", null)]
    [InlineData(0x80090327u, "bad_certificate (42), unsupported_certificate (43), certificate_unknown (46)", null)]
    [InlineData(0x80092010u, "certificate_revoked (44)", "certificate_revoked")]
    [InlineData(0x80090328u, "certificate_expired (45)", "certificate_expired")]
    [InlineData(0x80090325u, "unknown_ca (48)", "unknown_ca")]
    [InlineData(0x8009030Cu, "access_denied (49)", "access_denied")]
    public void Every_SChannel_code_for_an_alert_about_our_certificate_is_a_refusal(uint code, string alerts, string? alertName)
    {
        foreach (Exception chain in new Exception[]
        {
            new HttpRequestException(Sent, new AuthenticationException("Fehler", new Win32Exception(unchecked((int)code), "x"))),  // pwsh 7 on Windows
            NetFramework(WebExceptionStatus.SecureChannelFailure, new Win32Exception(unchecked((int)code), "x")),                 // Windows PowerShell 5.1
        })
        {
            Assert.True(FailureKind.ClientCertificateRefused == PlatformFailureCodes.Classify(chain), alerts);
            Assert.True(FailureKind.ClientCertificateRefused == FailureClassifier.Classify(chain, timedOut: false), alerts);
            Assert.Equal(alertName, FailureClassifier.AlertName(chain));
        }
    }

    [Theory]
    [InlineData(0x8009030Du)] // SEC_E_UNKNOWN_CREDENTIALS
    [InlineData(0x8009030Eu)] // SEC_E_NO_CREDENTIALS
    [InlineData(0x80090304u)] // SEC_E_INTERNAL_ERROR: a CAPI key offered for TLS 1.3 (dotnet/runtime#58927)
    public void SChannel_codes_about_our_own_key_are_an_unusable_key(uint code)
    {
        Exception chain = new HttpRequestException(Sent, new AuthenticationException("Fehler", new Win32Exception(unchecked((int)code), "x")));
        Assert.Equal(FailureKind.ClientKeyUnusable, PlatformFailureCodes.Classify(chain));
        Assert.Null(FailureClassifier.AlertName(chain));
    }

    [Fact]
    public void A_bare_5_1_handshake_failure_is_named_for_what_it_is_not_a_flat_refusal()
    {
        // referencesource _Connection.cs: SecureChannelFailure with no inner exception; nothing tells the causes apart.
        Exception bare = new HttpRequestException(Sent, new WebException(Aborted, WebExceptionStatus.SecureChannelFailure));
        Assert.True(PlatformFailureCodes.IsUnexplainedHandshakeFailure(bare));
        CredentialRefusal refusal = CredentialRefusal.OfFailure(bare, FailureKind.ClientCertificateRefused, DateTime.UtcNow.AddDays(30), closedIsRefusal: false)!;
        Assert.Equal(Saleschat.Mtls.MtlsDiagnosis.ClientCertificateRefused, refusal.Verdict);   // the public verdict stays the likeliest cause
        string message = refusal.Message("GET https://x.example/", new Uri("https://x.example/"), DateTime.UtcNow.AddDays(30), hasApiKey: true);
        Assert.StartsWith("GET https://x.example/: the TLS handshake failed", message);
        Assert.Contains("refused the client certificate", message);
        Assert.Contains("private key is unusable", message);
        Assert.Contains("no common TLS protocol", message);

        // With an alert code, the refusal is said as one, with its alert.
        Exception named = NetFramework(WebExceptionStatus.SecureChannelFailure, new Win32Exception(unchecked((int)0x80090325)));
        string refused = CredentialRefusal.OfFailure(named, FailureKind.ClientCertificateRefused, DateTime.UtcNow.AddDays(30), closedIsRefusal: false)!
            .Message(null, new Uri("https://x.example/"), DateTime.UtcNow.AddDays(30), hasApiKey: true);
        Assert.StartsWith("The server refused the client certificate (TLS alert unknown ca)", refused);

        // A code that says which it was keeps its precise verdict.
        Assert.False(PlatformFailureCodes.IsUnexplainedHandshakeFailure(NetFramework(WebExceptionStatus.SecureChannelFailure, new Win32Exception(unchecked((int)0x80090325)))));
        Assert.False(PlatformFailureCodes.IsUnexplainedHandshakeFailure(NetFramework(WebExceptionStatus.SecureChannelFailure, new Win32Exception(unchecked((int)0x8009030E)))));
        Assert.False(PlatformFailureCodes.IsUnexplainedHandshakeFailure(NetFramework(WebExceptionStatus.TrustFailure)));
        Assert.False(PlatformFailureCodes.IsUnexplainedHandshakeFailure(new HttpRequestException("x", new IOException("tlsv1 alert unknown ca"))));
    }

    [Fact]
    public void A_code_deep_in_the_chain_wins_over_the_wrapper_status()
    {
        // SecureChannelFailure alone reads as a refusal; its inner code says the key was the problem.
        Exception chain = NetFramework(WebExceptionStatus.SecureChannelFailure, new Win32Exception(unchecked((int)0x8009030E)));
        Assert.Equal(FailureKind.ClientKeyUnusable, PlatformFailureCodes.Classify(chain));
    }

    [Theory]
    [InlineData(WebExceptionStatus.UnknownError)]
    [InlineData(WebExceptionStatus.ProtocolError)]
    public void Statuses_that_say_nothing_leave_it_to_the_message(WebExceptionStatus status)
    {
        Assert.Null(PlatformFailureCodes.Classify(NetFramework(status)));
        Assert.Equal(FailureKind.NetworkError, FailureClassifier.Classify(NetFramework(status), timedOut: false));
    }

    [Fact]
    public void A_reset_socket_does_not_hide_a_refusal_alert_in_the_same_chain()
    {
        var chain = new HttpRequestException("x", new System.IO.IOException("error:0A000418:SSL routines::tlsv1 alert unknown ca",
            new SocketException((int)SocketError.ConnectionReset)));
        Assert.Null(PlatformFailureCodes.Classify(chain));
        Assert.Equal(FailureKind.ClientCertificateRefused, FailureClassifier.Classify(chain, timedOut: false));
    }

    [Fact]
    public void An_unusable_key_is_an_authentication_error_with_its_own_id_and_is_not_retried()
    {
        var ex = new TransportException(FailureKind.ClientKeyUnusable, "m", new Uri("https://x.example/"), 1, null);
        Assert.Equal("ClientKeyUnusable", ex.ErrorId);
        Assert.Null(new RetryPolicy(3, TimeSpan.Zero).AfterFailure(1, "GET", FailureKind.ClientKeyUnusable));
    }
}
