using System;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Saleschat.Mtls.Http
{
    /// <summary>
    /// Reads an exception chain from HttpClient and names what happened. mTLS edges refuse an unknown
    /// client certificate in several ways (shared/PITFALLS.md): a TLS alert, a connection closed right
    /// after the handshake (Kestrel: "The response ended prematurely"; HTTP/2: "did not complete the
    /// HTTP/2 handshake"), or an HTTP 403, which is handled where responses are.
    /// </summary>
    public static class FailureClassifier
    {
        private static readonly string[] RefusalAlerts =
        {
            // OpenSSL (Linux, macOS): "error:0A000418:SSL routines::tlsv1 alert unknown ca", seen from `openssl s_server
            // -verify_return_error`; TLS 1.3 reports it on the first read ("Decrypt failed"), TLS 1.2 in the handshake.
            "alert unknown ca", "alert bad certificate", "certificate required", "alert certificate unknown",
            "alert handshake failure", "alert access denied", "alert certificate expired", "alert unsupported certificate",
            "alert certificate revoked",

            // SslStream over SChannel (Windows, .NET 5+) names the alert instead: "Authentication failed because the
            // remote party sent a TLS alert: 'UnknownCA'." (inner Win32Exception 0x80090326); unnamed alerts print
            // their number, e.g. '116' for TLS 1.3's certificate_required.
            "tls alert: 'unknownca'", "tls alert: 'badcertificate'", "tls alert: 'certificateunknown'",
            "tls alert: 'handshakefailure'", "tls alert: 'accessdenied'", "tls alert: 'certificateexpired'",
            "tls alert: 'unsupportedcert'", "tls alert: 'certificaterevoked'", "tls alert: 'certificaterequired'", "tls alert: '116'",
        };

        private static readonly string[] ClosedConnection =
        {
            "response ended prematurely", "did not complete the http/2 handshake", "unexpected eof", "0 bytes from the transport stream",
            "reset by peer", "forcibly closed", "connection was closed", "the server reset the stream", "server reset the stream", "http/2 connection could not be established",
            "error while copying content", "connection was aborted", "broken pipe", "unable to read data from the transport connection",
        };

        public static FailureKind Classify(Exception exception, bool timedOut)
        {
            if (timedOut)
            {
                return FailureKind.Timeout;
            }

            string messages = string.Empty;
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                if (e is SocketException socket)
                {
                    switch (socket.SocketErrorCode)
                    {
                        case SocketError.HostNotFound:
                        case SocketError.NoData:
                        case SocketError.TryAgain:
                            return FailureKind.DnsFailure;
                        case SocketError.ConnectionRefused:
                            return FailureKind.ConnectionRefused;
                        case SocketError.TimedOut:
                            return FailureKind.Timeout;
                    }
                }

                messages += " " + e.Message.ToLowerInvariant();
                if (e is AuthenticationException && messages.Contains("remote certificate"))
                {
                    return FailureKind.ServerCertificateUntrusted;
                }
            }

            if (messages.Contains("name or service not known") || messages.Contains("no such host") || messages.Contains("nodename nor servname"))
            {
                return FailureKind.DnsFailure;
            }

            if (messages.Contains("connection refused") || messages.Contains("actively refused"))
            {
                return FailureKind.ConnectionRefused;
            }

            if (messages.Contains("remote certificate"))
            {
                return FailureKind.ServerCertificateUntrusted;
            }

            foreach (string alert in RefusalAlerts)
            {
                if (messages.Contains(alert))
                {
                    return FailureKind.ClientCertificateRefused;
                }
            }

            foreach (string closed in ClosedConnection)
            {
                if (messages.Contains(closed))
                {
                    return FailureKind.ConnectionClosed;
                }
            }

            return FailureKind.NetworkError;
        }

        /// <summary>The innermost message, which is the one that says what happened on the wire.</summary>
        public static string InnermostMessage(Exception exception)
        {
            Exception e = exception;
            while (e.InnerException != null)
            {
                e = e.InnerException;
            }

            return e.Message;
        }
    }
}
