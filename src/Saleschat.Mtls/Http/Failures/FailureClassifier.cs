using System;
using Saleschat.Mtls.Http.Transport;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Saleschat.Mtls.Http.Failures
{
    /// <summary>
    /// Reads an exception chain from HttpClient and names what happened. mTLS edges refuse an unknown
    /// client certificate in several ways: a TLS alert; with TLS 1.3 that alert only
    /// arrives after the client's side of the handshake, so it surfaces on the first read or write, racing
    /// the HTTP/2 preface (measured against haproxy 2.6 `verify required`: the alert text, or
    /// ObjectDisposedException on the SslStream torn down by it, or OpenSSL's SSL_ERROR_SYSCALL, "error - 5");
    /// an HTTP/2 connection closed before the server spoke at all; a connection closed right after the
    /// handshake over HTTP/1.1 (Kestrel: "The response ended prematurely", which is also what a plain
    /// drop looks like, so it stays ConnectionClosed); or an HTTP answer (nginx 400/495/496, 403), which
    /// <see cref="ResponseRefusal"/> reads.
    /// </summary>
    public static class FailureClassifier
    {
        // Each text a platform writes for a refusing alert, with the alert's RFC 8446 §6 name, listed once.
        private static readonly KeyValuePair<string, string>[] RefusalAlerts =
        {
            // OpenSSL (Linux, macOS): "error:0A000418:SSL routines::tlsv1 alert unknown ca", seen from `openssl s_server
            // -verify_return_error`; TLS 1.3 reports it on the first read ("Decrypt failed"), TLS 1.2 in the handshake.
            Alert("alert unknown ca", "unknown_ca"),
            Alert("alert bad certificate", "bad_certificate"),
            Alert("certificate required", "certificate_required"),
            Alert("alert certificate unknown", "certificate_unknown"),
            Alert("alert handshake failure", "handshake_failure"),
            Alert("alert access denied", "access_denied"),
            Alert("alert certificate expired", "certificate_expired"),
            Alert("alert unsupported certificate", "unsupported_certificate"),
            Alert("alert certificate revoked", "certificate_revoked"),

            // SslStream over SChannel (Windows, .NET 5+) names the alert instead: "Authentication failed because the
            // remote party sent a TLS alert: 'UnknownCA'." (inner Win32Exception 0x80090326); unnamed alerts print
            // their number, e.g. '116' for TLS 1.3's certificate_required.
            Alert("tls alert: 'unknownca'", "unknown_ca"),
            Alert("tls alert: 'badcertificate'", "bad_certificate"),
            Alert("tls alert: 'certificateunknown'", "certificate_unknown"),
            Alert("tls alert: 'handshakefailure'", "handshake_failure"),
            Alert("tls alert: 'accessdenied'", "access_denied"),
            Alert("tls alert: 'certificateexpired'", "certificate_expired"),
            Alert("tls alert: 'unsupportedcert'", "unsupported_certificate"),
            Alert("tls alert: 'certificaterevoked'", "certificate_revoked"),
            Alert("tls alert: 'certificaterequired'", "certificate_required"),
            Alert("tls alert: '116'", "certificate_required"),
        };

        private static readonly string[] ClosedConnection =
        {
            "response ended prematurely", Http2NeverStarted, "unexpected eof", "0 bytes from the transport stream",
            "reset by peer", "forcibly closed", "connection was closed", "the server reset the stream", "server reset the stream", "http/2 connection could not be established",
            "error while copying content", "connection was aborted", "broken pipe", "unable to read data from the transport connection",
        };

        // The server closed an HTTP/2 connection before sending its SETTINGS frame, i.e. right after the TLS
        // handshake: nothing but a refusing edge does that on a fresh connection (a drop mid-answer reads differently).
        private const string Http2NeverStarted = "did not complete the http/2 handshake";

        // OpenSSL's SSL_ERROR_SYSCALL (5): the peer ended the TLS session without close_notify. Right after the
        // handshake, with no socket error under it, that is TLS 1.3's late refusal (dotnet/runtime prints it as
        // "OpenSSL error - 5" or by name, depending on the version).
        // Seen from haproxy over TLS 1.3 as "Operation failed with error - 5." (Interop+OpenSsl+SslException).
        private static readonly string[] OpenSslSyscall = { "error - 5.", "openssl error - 5", "error - ssl_error_syscall" };

        public static FailureKind Classify(Exception exception, bool timedOut)
        {
            if (timedOut)
            {
                return FailureKind.Timeout;
            }

            // Before anything that reads a reset: the chain of an HTTP_1_1_REQUIRED reset also says "the server reset
            // the stream", which alone means a dropped connection.
            if (Http11Fallback.IsRequiredBy(exception))
            {
                return FailureKind.Http11Required;
            }

            // A CONNECT the proxy refused: its status says more than any text under it.
            FailureKind? tunnel = Proxies.ProxyFailure.FromTunnel(exception);
            if (tunnel != null)
            {
                return tunnel.Value;
            }

            // Exception types and platform codes first: they do not change with the UI language (.NET Framework).
            FailureKind? shaped = PlatformFailureCodes.Classify(exception);
            if (shaped != null)
            {
                return shaped.Value;
            }

            string messages = string.Empty;
            bool sslStreamDisposed = false, socketError = false, duringHandshake = false;
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                if (e is ObjectDisposedException disposed && (disposed.ObjectName ?? string.Empty).EndsWith("SslStream", StringComparison.Ordinal))
                {
                    // TLS 1.3: the alert made SslStream dispose itself while HttpClient was writing the request or the
                    // HTTP/2 preface. A dropped TCP connection surfaces as an IOException or SocketException instead.
                    sslStreamDisposed = true;
                }

                // DNS, refused and timed-out sockets were named by PlatformFailureCodes above; any other socket
                // error (a reset) only tells the steps below that the transport itself failed.
                socketError |= e is SocketException;

                // A close during the handshake (AuthenticationException) may be a plain drop; only one after it is TLS 1.3's refusal.
                duringHandshake |= e is AuthenticationException;
                messages += " " + e.Message.ToLowerInvariant();
                if (e is AuthenticationException && messages.Contains("remote certificate"))
                {
                    // With no CA given, .NET names every policy error ("RemoteCertificateNameMismatch,
                    // RemoteCertificateChainErrors"): the name is the one a -ServerCertificateAuthority cannot fix.
                    return messages.Contains("remotecertificatenamemismatch") ? FailureKind.ServerNameMismatch : FailureKind.ServerCertificateUntrusted;
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

            if (messages.Contains("remotecertificatenamemismatch"))
            {
                return FailureKind.ServerNameMismatch;
            }

            if (messages.Contains("remote certificate"))
            {
                return FailureKind.ServerCertificateUntrusted;
            }

            if (AlertIn(messages) != null)
            {
                return FailureKind.ClientCertificateRefused;
            }

            if (sslStreamDisposed || messages.Contains(Http2NeverStarted))
            {
                return FailureKind.ClientCertificateRefused;
            }

            foreach (string syscall in OpenSslSyscall)
            {
                if (!socketError && !duringHandshake && !messages.Contains("handshake failed") && messages.Contains(syscall))
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

        /// <summary>
        /// The TLS alert a refusal carried, in RFC 8446 §6 form ("unknown_ca", "certificate_required"), or null
        /// when none was named: a short, stable phrase for a one-line message, instead of a platform's text.
        /// </summary>
        public static string AlertName(Exception exception)
        {
            string messages = string.Empty;
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                messages += " " + (e.Message ?? string.Empty).ToLowerInvariant();
            }

            // SChannel on .NET Framework names the alert only by its code (and in the UI language).
            return AlertIn(messages) ?? PlatformFailureCodes.AlertName(exception);
        }

        private static string AlertIn(string messages)
        {
            foreach (KeyValuePair<string, string> alert in RefusalAlerts)
            {
                if (messages.Contains(alert.Key))
                {
                    return alert.Value;
                }
            }

            return null;
        }

        private static KeyValuePair<string, string> Alert(string text, string name) => new KeyValuePair<string, string>(text, name);

        /// <summary>The innermost message, which is the one that says what happened on the wire, with any URI's credentials removed.</summary>
        public static string InnermostMessage(Exception exception)
        {
            Exception e = exception;
            while (e.InnerException != null)
            {
                e = e.InnerException;
            }

            return Secrets.PlatformMessage.Of(e);
        }
    }
}
