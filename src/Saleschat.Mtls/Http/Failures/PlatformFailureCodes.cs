using System;
using System.ComponentModel;
using System.Net;
using System.Net.Sockets;

namespace Saleschat.Mtls.Http.Failures
{
    /// <summary>
    /// Names a transport failure from what the platform puts in the exception chain that does not depend on the
    /// UI language: exception types, WebException.Status, SocketError, and Win32/SSPI codes. FailureClassifier
    /// asks this first; only when it has no answer does the (English) message text decide.
    /// </summary>
    /// <remarks>
    /// Why: on .NET Framework (Windows PowerShell 5.1) HttpClientHandler runs on HttpWebRequest and surfaces
    /// every failure as HttpRequestException wrapping a WebException (referencesource
    /// System/net/System/Net/Http/HttpClientHandler.cs, GetResponseCallback), whose Status says what happened; a
    /// TLS refusal is SecureChannelFailure, often with no inner exception, and every message is localized on a
    /// non-English Windows. SChannel's SECURITY_STATUS codes arrive as Win32Exception.NativeErrorCode (or HResult)
    /// on both .NET Framework and .NET (SslStream's Windows PAL).
    /// </remarks>
    public static class PlatformFailureCodes
    {
        // SSPI SECURITY_STATUS values (winerror.h).
        internal const int SecEInternalError = unchecked((int)0x80090304);     // "The Local Security Authority cannot be contacted"
        internal const int SecEUnknownCredentials = unchecked((int)0x8009030D); // "The credentials supplied to the package were not recognized"
        internal const int SecENoCredentials = unchecked((int)0x8009030E);      // "No credentials are available in the security package"
        internal const int SecEWrongPrincipal = unchecked((int)0x80090322);
        internal const int SecEUntrustedRoot = unchecked((int)0x80090325);
        internal const int SecEIllegalMessage = unchecked((int)0x80090326);     // what SChannel reports for a fatal alert from the peer
        internal const int SecECertUnknown = unchecked((int)0x80090327);
        internal const int SecECertExpired = unchecked((int)0x80090328);

        // CryptoAPI/CNG key errors (winerror.h): the key container is gone or the user may not open it.
        internal const int NtePerm = unchecked((int)0x80090010);
        internal const int NteBadKeyset = unchecked((int)0x80090016);
        internal const int NteBadKeyState = unchecked((int)0x8009000B);

        /// <summary>The failure the chain's codes name, or null when only its message text could tell.</summary>
        public static FailureKind? Classify(Exception exception)
        {
            // Codes deeper in the chain are more specific than a wrapper's status, so look at all of them first.
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                FailureKind? byCode = FromCode(e);
                if (byCode != null)
                {
                    return byCode;
                }
            }

            for (Exception e = exception; e != null; e = e.InnerException)
            {
                if (e is WebException web)
                {
                    FailureKind? byStatus = FromStatus(web.Status);
                    if (byStatus != null)
                    {
                        return byStatus;
                    }
                }
            }

            return null;
        }

        private static FailureKind? FromCode(Exception e)
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

                // A reset is left to the later steps: with TLS 1.3 a refusal alert and a reset can share one chain,
                // and the alert must win (RFC 8446, section 2: in TLS 1.3 the client's certificate follows the server's Finished, so a refusal can arrive after the client's handshake is done).

                return null;
            }

            int code = e is Win32Exception win32 ? win32.NativeErrorCode : 0;
            return FromSecurityStatus(code) ?? FromSecurityStatus(e.HResult);
        }

        private static FailureKind? FromSecurityStatus(int code)
        {
            switch (code)
            {
                // Our own key cannot be used by SChannel: an ephemeral or deleted key container (dotnet/corefx#8408),
                // a key the user may not open, or a legacy CAPI key offered for TLS 1.3 (dotnet/runtime#58927,
                // fixed in the runtime's own tests by moving the key out of CAPI: dotnet/runtime#68009).
                case SecEUnknownCredentials:
                case SecENoCredentials:
                case SecEInternalError:
                case NtePerm:
                case NteBadKeyset:
                case NteBadKeyState:
                    return FailureKind.ClientKeyUnusable;

                // The peer ended the handshake with an alert (TLS 1.2), or refused our certificate after a TLS 1.3
                // handshake, which surfaces on the first read as 0x80090327 (dotnet/runtime#69315).
                case SecEIllegalMessage:
                case SecECertUnknown:
                    return FailureKind.ClientCertificateRefused;
                case SecEUntrustedRoot:
                case SecEWrongPrincipal:
                case SecECertExpired:
                    return FailureKind.ServerCertificateUntrusted;
                default:
                    return null;
            }
        }

        private static FailureKind? FromStatus(WebExceptionStatus status)
        {
            switch (status)
            {
                case WebExceptionStatus.NameResolutionFailure:
                case WebExceptionStatus.ProxyNameResolutionFailure:
                    return FailureKind.DnsFailure;
                case WebExceptionStatus.ConnectFailure:
                    return FailureKind.ConnectionRefused;
                case WebExceptionStatus.Timeout:
                    return FailureKind.Timeout;

                // HttpWebRequest's own words for "the TLS handshake failed" and "our validation callback said no"
                // (referencesource System/net/System/Net/_ConnectStream.cs and _Connection.cs raise these).
                case WebExceptionStatus.SecureChannelFailure:
                    return FailureKind.ClientCertificateRefused;
                case WebExceptionStatus.TrustFailure:
                    return FailureKind.ServerCertificateUntrusted;
                case WebExceptionStatus.ConnectionClosed:
                case WebExceptionStatus.ReceiveFailure:
                case WebExceptionStatus.SendFailure:
                case WebExceptionStatus.KeepAliveFailure:
                case WebExceptionStatus.PipelineFailure:
                    return FailureKind.ConnectionClosed;
                default:
                    return null;
            }
        }
    }
}
