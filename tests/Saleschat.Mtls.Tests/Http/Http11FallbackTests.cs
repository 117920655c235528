using System.Net.Http;
using System.Net.Sockets;
using Saleschat.Mtls.Http;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http.Transport;
using Xunit;

namespace Saleschat.Mtls.Tests.Http;

/// <summary>
/// HTTP/2's HTTP_1_1_REQUIRED (0xd) reset, as Apache sends it for a path that asks for the client certificate:
/// it is its own failure, never a refused certificate or a dropped connection, whichever way .NET words it.
/// </summary>
public sealed class Http11FallbackTests
{
    // dotnet/runtime's texts (net_http_http2_stream_error, net_http_http2_connection_error).
    private const string StreamReset = "The HTTP/2 server reset the stream. HTTP/2 error code 'HTTP_1_1_REQUIRED' (0xd).";
    private const string ConnectionClosed = "The HTTP/2 server closed the connection. HTTP/2 error code 'HTTP_1_1_REQUIRED' (0xd).";

    public static TheoryData<string, Exception> Http11Required => new()
    {
        {
            "seen: Apache mod_http2, SSLVerifyClient require in a <Location> (.NET 7+: HttpProtocolException under HttpRequestException)",
            new HttpRequestException("An error occurred while sending the request.", new HttpProtocolException(0xd, StreamReset, null))
        },
        {
            "GOAWAY with HTTP_1_1_REQUIRED",
            new HttpRequestException("An error occurred while sending the request.", new HttpProtocolException(0xd, ConnectionClosed, null))
        },
        {
            "the error code decides, whatever the words (a runtime with translated messages)",
            new HttpRequestException("Fehler beim Senden der Anforderung.", new HttpProtocolException(0xd, "Der HTTP/2-Server hat den Stream zurückgesetzt.", null))
        },
        {
            ".NET 6: no public exception type, only the message of an internal IOException",
            new HttpRequestException("An error occurred while sending the request.", new IOException(StreamReset))
        },
        {
            "thrown directly while the body is read",
            new HttpProtocolException(0xd, StreamReset, null)
        },
    };

    public static TheoryData<string, Exception, FailureKind> NotHttp11Required => new()
    {
        {
            "another HTTP/2 reset is still a dropped connection",
            new HttpRequestException("An error occurred while sending the request.",
                new HttpProtocolException(0x2, "The HTTP/2 server reset the stream. HTTP/2 error code 'INTERNAL_ERROR' (0x2).", null)),
            FailureKind.ConnectionClosed
        },
        {
            "REFUSED_STREAM (0x7) is not 0xd",
            new HttpRequestException("An error occurred while sending the request.",
                new HttpProtocolException(0x7, "The HTTP/2 server reset the stream. HTTP/2 error code 'REFUSED_STREAM' (0x7).", null)),
            FailureKind.ConnectionClosed
        },
        {
            "a TCP reset",
            new HttpRequestException("Connection reset by peer", new IOException("Unable to read data from the transport connection: Connection reset by peer.",
                new SocketException((int)SocketError.ConnectionReset))),
            FailureKind.ConnectionClosed
        },
        {
            "a TLS alert about the certificate",
            new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new IOException("error:0A000418:SSL routines::tlsv1 alert unknown ca")),
            FailureKind.ClientCertificateRefused
        },
    };

    [Theory]
    [MemberData(nameof(Http11Required))]
    public void TheResetIsNamedHttp11Required(string why, Exception chain)
    {
        Assert.True(Http11Fallback.IsRequiredBy(chain), why);
        Assert.Equal(FailureKind.Http11Required, FailureClassifier.Classify(chain, timedOut: false));
    }

    [Theory]
    [MemberData(nameof(NotHttp11Required))]
    public void OtherFailuresKeepTheirNames(string why, Exception chain, FailureKind expected)
    {
        Assert.False(Http11Fallback.IsRequiredBy(chain), why);
        Assert.Equal(expected, FailureClassifier.Classify(chain, timedOut: false));
    }

    [Fact]
    public void TheResetIsNeverRetriedAsAFailure()
    {
        // The sender resends it over HTTP/1.1 itself, once; the retry policy must not add attempts, for any method.
        var policy = new RetryPolicy(3, TimeSpan.Zero);
        Assert.Null(policy.AfterFailure(1, "POST", FailureKind.Http11Required));
        Assert.Null(policy.AfterFailure(1, "GET", FailureKind.Http11Required));
    }

    [Fact]
    public void TheSessionSwitchesOnceAndStays()
    {
        var fallback = new Http11Fallback();
        Assert.False(fallback.IsRequired);
        Assert.True(fallback.Require());
        Assert.False(fallback.Require());
        Assert.True(fallback.IsRequired);
    }

    [Fact]
    public void ConcurrentResetsSwitchOnlyOnce()
    {
        var fallback = new Http11Fallback();
        int switched = 0;
        Parallel.For(0, 64, _ =>
        {
            if (fallback.Require())
            {
                Interlocked.Increment(ref switched);
            }
        });

        Assert.Equal(1, switched);
    }

    [Fact]
    public void TheNoticeIsOneLineNamingTheHost()
    {
        string notice = Http11Fallback.Notice(new Uri("https://mtls.apis.t.saleschat.pro/v4/orgs/org-1/mtls/hello"));
        Assert.Contains("mtls.apis.t.saleschat.pro", notice);
        Assert.Contains("HTTP/1.1", notice);
        Assert.DoesNotContain("\n", notice);
    }
}
