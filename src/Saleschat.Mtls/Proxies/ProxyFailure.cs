using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http.Response;

namespace Saleschat.Mtls.Proxies
{
    /// <summary>
    /// Recognises what a proxy did to a request: refused the tunnel for want of credentials (407, or tinyproxy's 401),
    /// refused it (403: the host is not allowed; 5xx: the proxy could not reach it), could not be reached itself, or
    /// answered the TLS handshake with its own certificate (TLS inspection, which mTLS cannot pass: the proxy cannot
    /// present the client's certificate to the host). Called by the failure namer; knows nothing of PowerShell.
    /// </summary>
    public static class ProxyFailure
    {
        // .NET 6+ throws HttpRequestException("The proxy tunnel request to proxy '…' failed with status code '407'.")
        // for a CONNECT answered with anything but 2xx (dotnet/runtime HttpConnectionPool.EstablishProxyTunnelAsync,
        // dotnet/runtime#48679); .NET 8+ also sets HttpRequestError.ProxyTunnelError and StatusCode on it.
        private static readonly Regex TunnelMessage = new Regex(@"proxy tunnel request to proxy '[^']*' failed with status code '(\d{3})'",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));

        private static readonly PropertyInfo RequestError = typeof(HttpRequestException).GetProperty("HttpRequestError");
        private static readonly PropertyInfo RequestStatus = typeof(HttpRequestException).GetProperty("StatusCode");

        /// <summary>A failed CONNECT, named from the exception alone; null when the chain holds none.</summary>
        public static FailureKind? FromTunnel(Exception exception)
        {
            int? status = TunnelStatus(exception);
            if (status == null)
            {
                return null;
            }

            return status == 407 || status == 401 ? FailureKind.ProxyAuthenticationRequired : FailureKind.ProxyRefused;
        }

        /// <summary>The status the proxy answered CONNECT with, or null when the chain shows no failed CONNECT.</summary>
        public static int? TunnelStatus(Exception exception)
        {
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                switch (e)
                {
                    case ProxyAnswerException answer:
                        return answer.StatusCode;
                    case HttpRequestException request when IsTunnelError(request):
                        return TypedStatus(request) ?? MessageStatus(request.Message);
                    case WebException web when web.Status == WebExceptionStatus.ProtocolError && web.Response is HttpWebResponse response:
                        // .NET Framework: HttpClientHandler returns the host's error answers as responses, so a
                        // protocol error with a response in the chain is the proxy's answer to CONNECT: the tunnel is a
                        // separate HttpWebRequest whose WebException (status ProtocolError, the 407/403 response with its
                        // Proxy-Authenticate header) becomes the failed request's inner exception (referencesource
                        // System/net/System/Net/_Connection.cs, TunnelThroughProxy and TunnelThroughProxyWrapper).
                        return (int)response.StatusCode;
                }
            }

            return null;
        }

        /// <summary>What the proxy asked for (Proxy-Authenticate), when the platform kept it; null on .NET, which does not.</summary>
        public static string Challenge(Exception exception)
        {
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                if (e is ProxyAnswerException answer)
                {
                    return answer.Challenge;
                }

                if (e is WebException web && web.Response is HttpWebResponse response)
                {
                    return ChallengeText(response.Headers.GetValues("Proxy-Authenticate"));
                }
            }

            return null;
        }

        /// <summary>Throws <see cref="ProxyAnswerException"/> for a 407 that came back as a response (.NET Framework).</summary>
        public static void ThrowIfProxyAnswered(HttpResponseMessage response)
        {
            if ((int)response.StatusCode == 407)
            {
                var schemes = new List<string>();
                foreach (var value in response.Headers.ProxyAuthenticate)
                {
                    schemes.Add(value.ToString());
                }

                throw new ProxyAnswerException(407, ChallengeText(schemes.ToArray()));
            }
        }

        /// <summary>
        /// A failure named without context, refined by what the session knows: with a proxy between us and the host,
        /// every connection we open goes to the proxy (it resolves and reaches the host itself), so a refused connection
        /// or an unknown name is the proxy's; and a server certificate from a CA other than the host's is the proxy's own.
        /// </summary>
        /// <param name="failure">What FailureClassifier named.</param>
        /// <param name="route">The session's route (null: straight).</param>
        /// <param name="serverIssuer">The issuer of the server certificate last refused, or null.</param>
        /// <param name="expectedAuthority">The host's CA when the session was given one (-ServerCertificateAuthority), else null.</param>
        /// <param name="exception">The failure itself: a tunnel that closed during the TLS handshake is the proxy's.</param>
        public static FailureKind Refine(FailureKind failure, ProxyRoute route, string serverIssuer, X509Certificate2 expectedAuthority, Exception exception = null)
        {
            if (route == null || !route.InUse)
            {
                return failure;
            }

            switch (failure)
            {
                case FailureKind.ConnectionRefused:
                case FailureKind.DnsFailure:
                    return FailureKind.ProxyUnreachable;
                case FailureKind.ServerCertificateUntrusted when serverIssuer != null
                    && (expectedAuthority == null || !SameName(serverIssuer, expectedAuthority.Subject)):
                    return FailureKind.TlsInspectedByProxy;
                case FailureKind.ConnectionClosed when ClosedDuringHandshake(exception):
                    // The proxy said "200 Connection established" and the tunnel closed before the TLS handshake was
                    // done: no server took part yet, so this is not a host refusing the certificate after its handshake.
                    return FailureKind.ProxyRefused;
                default:
                    return failure;
            }
        }

        /// <summary>
        /// A close while the TLS connection was still being set up: an AuthenticationException in the chain, or .NET 8+'s
        /// HttpRequestException with HttpRequestError.SecureConnectionError (read by name: netstandard2.0 cannot name the
        /// property), whose message is "The SSL connection could not be established" (dotnet/runtime, SR.net_http_ssl_connection_failed).
        /// </summary>
        private static bool ClosedDuringHandshake(Exception exception)
        {
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                if (e is System.Security.Authentication.AuthenticationException)
                {
                    return true;
                }

                if (e is System.Net.Http.HttpRequestException)
                {
                    object error = e.GetType().GetProperty("HttpRequestError")?.GetValue(e);
                    if (string.Equals(error?.ToString(), "SecureConnectionError", StringComparison.Ordinal)
                        || e.Message.IndexOf("SSL connection could not be established", StringComparison.OrdinalIgnoreCase) >= 0)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Whether an answer that refuses the client certificate says the host saw no certificate at all, while one was
        /// offered, through a proxy: nginx's 496 "No required SSL certificate was sent". An inspecting proxy whose CA
        /// the machine trusts (a corporate root pushed to every workstation) passes the handshake, then talks to the
        /// host itself without the client certificate, which it cannot have; the host's refusal comes back through it.
        /// </summary>
        public static bool SawNoClientCertificate(ProxyRoute route, int statusCode, string body) =>
            route != null && route.InUse
            && (statusCode == 496 || (statusCode == 400 && ResponseRefusal.NginxPageTitle(body) == ResponseRefusal.NoCertificateSentTitle));

        /// <summary>
        /// The one-line message for a proxy's failure, in the catalogue's words (Errors.Messages.Proxy), from what the
        /// failure carries; null for any failure that is not a proxy's.
        /// </summary>
        /// <param name="failure">The named failure.</param>
        /// <param name="target">"GET https://host/…", the request as the other messages name it.</param>
        /// <param name="host">The request's address.</param>
        /// <param name="route">The session's route to the host.</param>
        /// <param name="exception">The platform's exception (its status and challenge are read, never its text).</param>
        /// <param name="serverIssuer">The issuer of the server certificate that was refused, for TLS inspection.</param>
        /// <param name="hasExpectedAuthority">Whether the session was given the host's CA (-ServerCertificateAuthority).</param>
        public static string Message(FailureKind failure, string target, Uri host, ProxyRoute route, Exception exception, string serverIssuer, bool hasExpectedAuthority)
        {
            Uri via = route?.Via;
            int status = TunnelStatus(exception) ?? 0;
            switch (failure)
            {
                case FailureKind.ProxyAuthenticationRequired:
                    // .NET Framework keeps the proxy's answer; .NET does not, so the proxy is asked once more, without credentials.
                    string challenge = Challenge(exception) ?? ProxyChallengeProbe.Ask(via, host);
                    return route?.HasCredential == true
                        ? Messages.Proxy.CredentialsRefused(target, via, status, challenge)
                        : Messages.Proxy.CredentialsWanted(target, via, status, challenge);
                case FailureKind.ProxyRefused when status == 0:
                    return Messages.Proxy.TunnelClosed(target, via, host);
                case FailureKind.ProxyRefused:
                    return status == 403 ? Messages.Proxy.TunnelForbidden(target, via, host) : Messages.Proxy.TunnelFailed(target, via, host, status);
                case FailureKind.ProxyUnreachable:
                    bool nameUnresolved = FailureClassifier.Classify(exception, false) == FailureKind.DnsFailure;
                    return Messages.Proxy.Unreachable(target, via, host, nameUnresolved, DefaultProxySource.Origin);
                case FailureKind.TlsInspectedByProxy:
                    return Messages.Proxy.TlsInspected(target, via, host, serverIssuer, hasExpectedAuthority);
                default:
                    return null;
            }
        }

        /// <summary>The diagnosis Test-SaleschatMtls shows for a proxy failure, or null for any other failure.</summary>
        public static MtlsDiagnosis? Diagnosis(FailureKind failure)
        {
            switch (failure)
            {
                case FailureKind.ProxyAuthenticationRequired:
                    return MtlsDiagnosis.ProxyAuthenticationRequired;
                case FailureKind.ProxyRefused:
                    return MtlsDiagnosis.ProxyRefused;
                case FailureKind.ProxyUnreachable:
                    return MtlsDiagnosis.ProxyUnreachable;
                case FailureKind.TlsInspectedByProxy:
                    return MtlsDiagnosis.TlsInspectedByProxy;
                default:
                    return null;
            }
        }

        private static bool IsTunnelError(HttpRequestException request)
        {
            object error = RequestError?.GetValue(request);
            return (error != null && error.ToString() == "ProxyTunnelError") || MessageStatus(request.Message) != null;
        }

        private static int? TypedStatus(HttpRequestException request)
        {
            object status = RequestStatus?.GetValue(request);
            return status is HttpStatusCode code ? (int)code : (int?)null;
        }

        private static int? MessageStatus(string message)
        {
            Match match = TunnelMessage.Match(message ?? string.Empty);
            return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        }

        internal static string ChallengeText(string[] values)
        {
            if (values == null || values.Length == 0)
            {
                return null;
            }

            // The proxy chose this text: cleaned and bounded like any server text, four schemes at most.
            var shown = new List<string>();
            for (int i = 0; i < values.Length && i < 4; i++)
            {
                shown.Add(ServerText.Clean(values[i], 120, keepLines: false));
            }

            return string.Join(", ", shown);
        }

        // Both names come from .NET's own formatting of a certificate's DN (X509Certificate2.Issuer and .Subject), so the
        // same DN gives the same text.
        private static bool SameName(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }
}
