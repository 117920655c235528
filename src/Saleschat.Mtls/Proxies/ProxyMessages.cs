using System;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http.Response;

namespace Saleschat.Mtls.Proxies
{
    /// <summary>
    /// The one-line messages for proxy failures: what the proxy did and what to do next. They name the proxy by its
    /// address without user information, and never a credential.
    /// </summary>
    public static class ProxyMessages
    {
        /// <param name="failure">The named failure (null is returned for any that is not a proxy's).</param>
        /// <param name="target">"GET https://host/…", the request as the other messages name it.</param>
        /// <param name="host">The request's address.</param>
        /// <param name="route">The session's route to the host.</param>
        /// <param name="exception">The platform's exception (its status and challenge are read, never its text).</param>
        /// <param name="serverIssuer">The issuer of the server certificate that was refused, for TLS inspection.</param>
        /// <param name="hasExpectedAuthority">Whether the session was given the host's CA (-ServerCertificateAuthority).</param>
        public static string For(FailureKind failure, string target, Uri host, ProxyRoute route, Exception exception, string serverIssuer, bool hasExpectedAuthority)
        {
            string proxy = route?.Via != null ? route.Via.AbsoluteUri : "the proxy";
            int status = ProxyFailure.TunnelStatus(exception) ?? 0;
            switch (failure)
            {
                case FailureKind.ProxyAuthenticationRequired:
                    // .NET Framework keeps the proxy's answer; .NET does not, so the proxy is asked once more, without credentials.
                    string challenge = ProxyFailure.Challenge(exception) ?? ProxyChallengeProbe.Ask(route?.Via, host);
                    string asked = challenge != null
                        ? $"it asks for {challenge}"
                        : "which scheme it asks for could not be read: curl -v -x <proxy> shows its Proxy-Authenticate header";
                    return route?.HasCredential == true
                        ? $"{target}: the proxy {proxy} refused the proxy credentials (HTTP {status}; {asked}). Check -ProxyCredential (or the user and password in HTTPS_PROXY); for a Negotiate or NTLM proxy use -ProxyUseDefaultCredentials."
                        : $"{target}: the proxy {proxy} wants credentials (HTTP {status}; {asked}). Give New-SaleschatSession -Proxy {proxy} -ProxyCredential <user> (Basic), or -ProxyUseDefaultCredentials (Negotiate or NTLM, Windows).";
                case FailureKind.ProxyRefused when status == 0:
                    return $"{target}: the proxy {proxy} opened a tunnel to {host.Authority}, but it closed before the TLS handshake finished: the proxy could not reach the host, or dropped the tunnel. Check the proxy's own access to {host.Authority}, or bypass it (NO_PROXY or -NoProxy) where the host is reachable directly.";
                case FailureKind.ProxyRefused:
                    return status == 403
                        ? $"{target}: the proxy {proxy} refused to open a tunnel to {host.Authority} (HTTP 403): it does not allow this host or port. Ask its administrators to allow CONNECT to {host.Authority}, or bypass it (NO_PROXY or -NoProxy) where the host is reachable directly."
                        : $"{target}: the proxy {proxy} could not open a tunnel to {host.Authority} (HTTP {status}): it could not resolve or reach the host. Check the host name (-Environment, -BaseUri) and the proxy's own access to it.";
                case FailureKind.ProxyUnreachable:
                    string why = FailureClassifier.Classify(exception, false) == FailureKind.DnsFailure ? "its name could not be resolved" : "the connection was refused";
                    return $"{target}: the proxy {proxy} could not be reached ({why}). Check -Proxy (or {DefaultProxySource.Origin}), or use -NoProxy where {host.Host} is reachable directly.";
                case FailureKind.TlsInspectedByProxy:
                    string issuer = ServerText.Clean(serverIssuer, 200, keepLines: false);
                    return $"{target}: the proxy {proxy} inspects TLS: the certificate presented for {host.Host} was issued by '{issuer}', not by the host's own CA, and mTLS cannot pass an inspecting proxy (it cannot present the client certificate to the host). Add {host.Host} to the proxy's TLS-inspection bypass list, or bypass the proxy (NO_PROXY or -NoProxy) where the host is reachable directly."
                        + (hasExpectedAuthority ? string.Empty : $" If '{issuer}' is the host's own CA (a private test host), pass it with -ServerCertificateAuthority instead.");
                default:
                    return null;
            }
        }

        /// <summary>
        /// The host answered that it got no client certificate, through a proxy that completed the handshake itself:
        /// the proxy inspects TLS with a CA this machine trusts (<paramref name="serverIssuer"/>).
        /// </summary>
        public static string InspectedTrusted(Uri host, ProxyRoute route, int statusCode, string serverIssuer)
        {
            string proxy = route?.Via != null ? route.Via.AbsoluteUri : "the proxy";
            string issuer = ServerText.Clean(serverIssuer ?? "an unknown CA", 200, keepLines: false);
            return $"{host.Host} answered HTTP {statusCode}: it received no client certificate, though one was offered. The proxy {proxy} inspects TLS (the certificate presented for {host.Host} was issued by '{issuer}') and cannot present the client certificate to the host, so mTLS cannot pass it. Add {host.Host} to the proxy's TLS-inspection bypass list, or bypass the proxy (NO_PROXY or -NoProxy) where the host is reachable directly.";
        }
    }
}
