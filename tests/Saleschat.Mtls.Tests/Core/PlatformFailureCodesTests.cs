using System.ComponentModel;
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

    private static Exception NetFramework(WebExceptionStatus status, Exception inner = null) =>
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
        { "7 on Windows: untrusted root code", new HttpRequestException(Sent, new AuthenticationException("Fehler", new Win32Exception(unchecked((int)0x80090325), "x"))), FailureKind.ServerCertificateUntrusted },
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
