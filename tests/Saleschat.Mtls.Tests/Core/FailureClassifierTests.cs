using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// The exception chains HttpClient really throws, outermost first, each mapped to what a person can act on.
/// Chains marked "seen" were captured from this test suite's own runs; the others are .NET's documented texts.
/// OpenSSL's and SChannel's internal exception types are stood in for by their public base types.
/// </summary>
public sealed class FailureClassifierTests
{
    public static TheoryData<string, Exception, FailureKind> Chains => new()
    {
        {
            "DNS: the name does not resolve",
            new HttpRequestException("Name or service not known (saleschat-mtls-test.invalid:443)", new SocketException((int)SocketError.HostNotFound)),
            FailureKind.DnsFailure
        },
        {
            "DNS: only the message says so (Windows wording)",
            new HttpRequestException("No such host is known. (mtls.apis.saleschat.pro:443)"),
            FailureKind.DnsFailure
        },
        {
            "nothing listens on the port",
            new HttpRequestException("Connection refused (127.0.0.1:1)", new SocketException((int)SocketError.ConnectionRefused)),
            FailureKind.ConnectionRefused
        },
        {
            "connect timed out at the socket",
            new HttpRequestException("Connection timed out (10.255.255.1:443)", new SocketException((int)SocketError.TimedOut)),
            FailureKind.Timeout
        },
        {
            "the server's chain ends at an unknown root",
            new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot")),
            FailureKind.ServerCertificateUntrusted
        },
        {
            "our validation callback said no (seen: a CA that did not sign the server)",
            new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new AuthenticationException("The remote certificate was rejected by the provided RemoteCertificateValidationCallback.")),
            FailureKind.ServerCertificateUntrusted
        },
        {
            "seen: Kestrel closes right after the handshake over HTTP/1.1",
            new HttpRequestException("An error occurred while sending the request.", new IOException("The response ended prematurely.")),
            FailureKind.ConnectionClosed
        },
        {
            "Kestrel closes right after the handshake over HTTP/2: the server never spoke HTTP, a refusal",
            new HttpRequestException("An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake."),
            FailureKind.ClientCertificateRefused
        },
        {
            "seen: haproxy verify required over TLS 1.3 + h2, the alert tore the SslStream down while the preface was written",
            new HttpRequestException("An error occurred while sending the request.",
                new IOException("An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake.",
                    new ObjectDisposedException("System.Net.Security.SslStream"))),
            FailureKind.ClientCertificateRefused
        },
        {
            "TLS 1.3 over HTTP/1.1: the first write hits the disposed SslStream",
            new HttpRequestException("An error occurred while sending the request.",
                new ObjectDisposedException("System.Net.Security.SslStream")),
            FailureKind.ClientCertificateRefused
        },
        {
            "seen: haproxy over TLS 1.3 + h2, the alert read first",
            new HttpRequestException("An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake. (InvalidResponse)",
                new IOException("The decryption operation failed, see inner exception.",
                    new Exception("Decrypt failed with OpenSSL error - SSL_ERROR_SSL.",
                        new CryptographicException("error:0A000418:SSL routines::tlsv1 alert unknown ca")))),
            FailureKind.ClientCertificateRefused
        },
        {
            "TLS 1.3: the session ended without close_notify right after the handshake (OpenSSL error - 5)",
            new HttpRequestException("An error occurred while sending the request.",
                new IOException("The decryption operation failed, see inner exception.",
                    new Exception("Decrypt failed with OpenSSL error - 5."))),
            FailureKind.ClientCertificateRefused
        },
        {
            "seen: haproxy over TLS 1.3, the SslException of the first read says only \"error - 5\"",
            new HttpRequestException("An error occurred while sending the request.",
                new IOException("The read operation failed, see inner exception.",
                    new Exception("Operation failed with error - 5."))),
            FailureKind.ClientCertificateRefused
        },
        {
            "SSL_ERROR_SYSCALL by name (newer runtimes)",
            new HttpRequestException("An error occurred while sending the request.",
                new IOException("The decryption operation failed, see inner exception.",
                    new Exception("Decrypt failed with OpenSSL error - SSL_ERROR_SYSCALL."))),
            FailureKind.ClientCertificateRefused
        },
        {
            "SSL_ERROR_SYSCALL over a reset socket is a dropped connection, retried as one",
            new HttpRequestException("An error occurred while sending the request.",
                new IOException("Unable to read data from the transport connection: Connection reset by peer.",
                    new Exception("Decrypt failed with OpenSSL error - SSL_ERROR_SYSCALL.",
                        new SocketException((int)SocketError.ConnectionReset)))),
            FailureKind.ConnectionClosed
        },
        {
            "SSL_ERROR_SYSCALL during the handshake (a listener that closes at once) is a dropped connection",
            new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new AuthenticationException("Authentication failed, see inner exception.",
                    new Exception("SSL Handshake failed with OpenSSL error - SSL_ERROR_SYSCALL.",
                        new IOException("Received an unexpected EOF or 0 bytes from the transport stream.")))),
            FailureKind.ConnectionClosed
        },
        {
            "a disposed object that is not the TLS stream is not a refusal",
            new HttpRequestException("An error occurred while sending the request.", new ObjectDisposedException("System.Net.Http.HttpClient")),
            FailureKind.NetworkError
        },
        {
            "TLS 1.3's certificate_required alert (OpenSSL)",
            new HttpRequestException("An error occurred while sending the request.",
                new IOException("The decryption operation failed, see inner exception.",
                    new CryptographicException("error:0A00045C:SSL routines::tlsv13 alert certificate required"))),
            FailureKind.ClientCertificateRefused
        },
        {
            "an edge that denies access (OpenSSL)",
            new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new CryptographicException("error:0A000419:SSL routines::tlsv1 alert access denied")),
            FailureKind.ClientCertificateRefused
        },
        {
            "an edge that says the certificate expired (OpenSSL)",
            new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new CryptographicException("error:0A000415:SSL routines::sslv3 alert certificate expired")),
            FailureKind.ClientCertificateRefused
        },
        {
            "seen: the server's certificate is for another name, no CA given",
            new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new AuthenticationException("The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch, RemoteCertificateChainErrors")),
            FailureKind.ServerNameMismatch
        },
        {
            "seen: openssl s_server -verify_return_error over TLS 1.3 (the alert arrives on the first read)",
            new HttpRequestException("An error occurred while sending the request.",
                new IOException("The decryption operation failed, see inner exception.",
                    new Exception("Decrypt failed with OpenSSL error - SSL_ERROR_SSL.",
                        new CryptographicException("error:0A000418:SSL routines::tlsv1 alert unknown ca")))),
            FailureKind.ClientCertificateRefused
        },
        {
            "seen: openssl s_server -verify_return_error over TLS 1.2 (the alert ends the handshake)",
            new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new AuthenticationException("Authentication failed, see inner exception.",
                    new Exception("SSL Handshake failed with OpenSSL error - SSL_ERROR_SSL.",
                        new CryptographicException("error:0A000418:SSL routines::tlsv1 alert unknown ca")))),
            FailureKind.ClientCertificateRefused
        },
        {
            "an edge that revoked the certificate (OpenSSL)",
            new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new AuthenticationException("Authentication failed, see inner exception.",
                    new CryptographicException("error:0A00042C:SSL routines::sslv3 alert certificate revoked"))),
            FailureKind.ClientCertificateRefused
        },
        {
            "Windows (SChannel) names the alert",
            new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new AuthenticationException("Authentication failed because the remote party sent a TLS alert: 'UnknownCA'.",
                    new System.ComponentModel.Win32Exception(unchecked((int)0x80090326), "The message received was unexpected or badly formatted."))),
            FailureKind.ClientCertificateRefused
        },
        {
            "Windows (SChannel), bad certificate",
            new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new AuthenticationException("Authentication failed because the remote party sent a TLS alert: 'BadCertificate'.")),
            FailureKind.ClientCertificateRefused
        },
        {
            "something else on the network",
            new HttpRequestException("An error occurred while sending the request.", new IOException("Something nobody expected.")),
            FailureKind.NetworkError
        },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public void Names_what_happened(string situation, Exception chain, FailureKind expected)
    {
        Assert.True(expected == FailureClassifier.Classify(chain, timedOut: false), situation);
    }

    [Theory]
    [InlineData("error:0A000418:SSL routines::tlsv1 alert unknown ca", "unknown_ca")]
    [InlineData("error:0A000412:SSL routines::sslv3 alert bad certificate", "bad_certificate")]
    [InlineData("error:0A000415:SSL routines::sslv3 alert certificate expired", "certificate_expired")]
    [InlineData("error:0A00045C:SSL routines::tlsv13 alert certificate required", "certificate_required")]
    [InlineData("error:0A000419:SSL routines::tlsv1 alert access denied", "access_denied")]
    [InlineData("Authentication failed because the remote party sent a TLS alert: 'UnknownCA'.", "unknown_ca")]
    [InlineData("Authentication failed because the remote party sent a TLS alert: '116'.", "certificate_required")]
    [InlineData("Cannot access a disposed object.", null)]
    public void The_alert_is_named_the_way_RFC_8446_names_it(string wire, string? expected)
    {
        var chain = new HttpRequestException("An error occurred while sending the request.", new IOException("x", new Exception(wire)));
        Assert.Equal(expected, FailureClassifier.AlertName(chain));
    }

    [Fact]
    public void A_timed_out_attempt_is_a_timeout_whatever_the_exception_says()
    {
        var cancelled = new TaskCanceledException("The operation was canceled.", new IOException("The response ended prematurely."));
        Assert.Equal(FailureKind.Timeout, FailureClassifier.Classify(cancelled, timedOut: true));
    }

    [Fact]
    public void The_innermost_message_is_the_one_from_the_wire()
    {
        var chain = new HttpRequestException("An error occurred while sending the request.",
            new IOException("The decryption operation failed, see inner exception.",
                new CryptographicException("error:0A000418:SSL routines::tlsv1 alert unknown ca")));
        Assert.Equal("error:0A000418:SSL routines::tlsv1 alert unknown ca", FailureClassifier.InnermostMessage(chain));
    }
}
