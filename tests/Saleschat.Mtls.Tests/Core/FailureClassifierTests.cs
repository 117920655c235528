using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
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
            "Kestrel closes right after the handshake over HTTP/2",
            new HttpRequestException("An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake."),
            FailureKind.ConnectionClosed
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
