using System;
using System.Globalization;
using Saleschat.Mtls.Http.Response;

namespace Saleschat.Mtls.Errors
{
    /// <summary>
    /// THE MESSAGE CATALOGUE: the words the module says about refused or expired credentials, about where a
    /// certificate is uploaded, and (in <see cref="Proxy"/>) about what a proxy did. The sender (TLS refusals), the API
    /// errors (HTTP refusals), Test-SaleschatMtls and rotation all take their text from here, so a refusal reads the
    /// same whichever path met it. A message that only one check ever says stays beside that check.
    /// </summary>
    public static class Messages
    {
        /// <summary>Where a certificate is registered in Saleschat's web app.</summary>
        public const string MtlsSettings = "Settings > mTLS";

        /// <summary>The button that registers a certificate.</summary>
        public const string UploadPlace = MtlsSettings + " > Upload Certificate";

        /// <summary>The server refused the client certificate; <paramref name="evidence"/> says how ("TLS alert unknown ca", "HTTP 403").</summary>
        /// <param name="target">"GET https://…" for a call, or null for Test-SaleschatMtls (which names the host).</param>
        public static string CertificateRefused(string target, string evidence, string host) =>
            Start(target, Refused)
            + $" ({evidence}). Upload it in Saleschat ({UploadPlace}) for this environment ({host}), then try again; UAT and Production keep separate lists."
            + Http.Transport.TlsPlatform.ClientCertificateAdvice(null);

        /// <summary>
        /// The server refused a CA-issued certificate whose chain, as sent, stops short of a self-signed root: names the
        /// missing issuer and how to give it, never "upload it" (no upload makes a server build a chain it was not sent).
        /// </summary>
        public static string ClientChainIncomplete(string target, string evidence, string missingIssuer) =>
            Start(target, Refused)
            + $" ({evidence}), and the chain the module sends stops short of a root: the issuer '{missingIssuer}' is missing. Give its CA certificate with -ChainPath, or after the certificate in a full-chain PEM, then try again.";

        /// <summary>
        /// A TLS handshake failure Windows PowerShell (.NET Framework) reports with no cause: a refusal, an unusable key
        /// and no common protocol read the same there (PlatformFailureCodes.IsUnexplainedHandshakeFailure).
        /// </summary>
        public static string HandshakeFailedUnexplained(string target, string host) =>
            Start(target, "the TLS handshake failed, and Windows PowerShell (.NET Framework) does not say why")
            + $": the server refused the client certificate, the private key is unusable, or there is no common TLS protocol. Check that the certificate is uploaded in Saleschat ({UploadPlace}) for this environment ({host}) and that Test-SaleschatClientCertificate passes."
            + Http.Transport.TlsPlatform.ClientCertificateAdvice(null);

        /// <summary>The server refused the client certificate, which has expired (or which the server says has).</summary>
        public static string CertificateExpired(string target, DateTime notAfter, string evidence) =>
            notAfter.ToUniversalTime() < DateTime.UtcNow
                ? Start(target, Refused) + $", which expired on {notAfter.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)} ({evidence}). Make a new one, upload it, and rotate to it (Start-SaleschatCertificateRotation)."
                : Start(target, "the server refused the client certificate as expired") + $" ({evidence}). Check this machine's clock and the certificate's dates, or make a new one and rotate to it (Start-SaleschatCertificateRotation).";

        /// <summary>The certificate got through (the handshake completed) but the API key did not.</summary>
        public static string ApiKeyRejected(string target, int status, bool hasApiKey) =>
            hasApiKey
                ? Start(target, "the server accepted the client certificate but rejected the API key") + $" (HTTP {status}). Check -ApiKey (or SALESCHAT_API_KEY) for this environment and org, then try again."
                : Start(target, "the server accepted the client certificate but wants an API key") + $" (HTTP {status}). Give the session one with -ApiKey (or SALESCHAT_API_KEY), then try again.";

        /// <summary>The certificate and key were accepted, the org in the path was not.</summary>
        public static string WrongOrganization(string path, long? code, string codeName) =>
            $"The server accepted the certificate but refused the org in {path} ({code} {codeName}). Check -OrgId: the certificate must be uploaded in that org's {MtlsSettings}.";

        /// <summary>A connection closed without an answer: a plain drop, or an edge refusing the certificate.</summary>
        public static string ConnectionClosed(string target) =>
            $"{target}: the server closed the connection without a complete answer. If this happens on every call, the server is refusing the client certificate: upload it in Saleschat ({MtlsSettings}) for this environment.";

        /// <summary>The server's certificate is valid, but for another name than the session's host.</summary>
        public static string ServerNameMismatch(string target, string host) =>
            Start(target, "the server's certificate is not for the name") + $" {host}. Check -BaseUri: use the host name the server's certificate was issued for.";

        /// <summary>The server's certificate is not trusted (and not for want of the right name).</summary>
        /// <param name="target">"GET https://…" for a call, or null for Test-SaleschatMtls, which also says what to check for Saleschat's own hosts.</param>
        public static string ServerCertificateUntrusted(string target, string host) =>
            target != null
                ? $"{target}: the server's certificate is not trusted. {PrivateTestHostCa}."
                : $"The server's certificate for {host} is not trusted. {PrivateTestHostCa}; for Saleschat's own hosts, check the system's CA store and any TLS-inspecting proxy.";

        /// <summary>What to do with a freshly written certificate.</summary>
        public static string UploadCertificate(string file) =>
            $"Upload {file} in Saleschat: {UploadPlace}";

        /// <summary>Proving the next certificate failed before anything moved.</summary>
        public static string NextCertificateNotAccepted(string thumbprint, string verdict, string detail, string nextPath) =>
            $"Saleschat did not accept the next certificate {thumbprint} ({verdict}: {detail}). Upload '{nextPath}' in {MtlsSettings} first; nothing was moved.";

        /// <summary>A rotation's old certificate, kept after the switch.</summary>
        public static string RemoveOldCertificate(string thumbprint, string file) =>
            $"The old certificate {thumbprint} is kept as {file}; remove it from {MtlsSettings} once nothing uses it.";

        /// <summary>A rotation of the pair was interrupted (its journal exists): how to finish it.</summary>
        public static string RotationInterrupted(string certificatePath, string keyPath) =>
            $"A certificate rotation of this pair was interrupted: finish it with Complete-SaleschatCertificateRotation -CertificatePath '{certificatePath}' -KeyPath '{keyPath}' (it needs no session).";

        /// <summary>The key is smaller than Saleschat accepts.</summary>
        public static string KeyTooSmall(int bits) =>
            $"The key has {bits} bits; {RsaKeySizes} Make a new key with New-SaleschatClientKey.";

        /// <summary>The key sizes Saleschat accepts, as a sentence.</summary>
        public const string RsaKeySizes = "Saleschat requires RSA 2048 or 4096.";

        /// <summary>How to get a certificate object that carries its private key.</summary>
        public const string LoadWithKey = "Load it with its key (Get-SaleschatClientCertificate -KeyPath).";

        private const string Refused = "the server refused the client certificate";

        private const string PrivateTestHostCa = "For a private test host, pass its CA with -ServerCertificateAuthority";

        private static string Start(string target, string what) =>
            target == null ? char.ToUpperInvariant(what[0]) + what.Substring(1) : $"{target}: {what}";

        /// <summary>
        /// What a proxy did, and what to do next (Proxies.ProxyFailure decides which). A proxy is named by its address
        /// without user information, never by a credential; what the proxy or host sent is cleaned before it is shown.
        /// </summary>
        public static class Proxy
        {
            private const string BypassIt = "or bypass it (NO_PROXY or -NoProxy) where the host is reachable directly.";

            /// <summary>The proxy refused the credentials it was given.</summary>
            /// <param name="challenge">The schemes the proxy asks for (its Proxy-Authenticate), or null when it could not be read.</param>
            public static string CredentialsRefused(string target, Uri via, int status, string challenge) =>
                $"{target}: the proxy {Name(via)} refused the proxy credentials (HTTP {status}; {Asks(challenge)}). Check -ProxyCredential (or the user and password in HTTPS_PROXY); for a Negotiate or NTLM proxy use -ProxyUseDefaultCredentials.";

            /// <summary>The proxy wants credentials and was given none.</summary>
            public static string CredentialsWanted(string target, Uri via, int status, string challenge) =>
                $"{target}: the proxy {Name(via)} wants credentials (HTTP {status}; {Asks(challenge)}). Give New-SaleschatSession -Proxy {Name(via)} -ProxyCredential <user> (Basic), or -ProxyUseDefaultCredentials (Negotiate or NTLM, Windows).";

            /// <summary>The tunnel opened, then closed before the TLS handshake with the host was done.</summary>
            public static string TunnelClosed(string target, Uri via, Uri host) =>
                $"{target}: the proxy {Name(via)} opened a tunnel to {host.Authority}, but it closed before the TLS handshake finished: the proxy could not reach the host, or dropped the tunnel. Check the proxy's own access to {host.Authority}, {BypassIt}";

            /// <summary>The proxy does not allow a tunnel to this host or port (HTTP 403).</summary>
            public static string TunnelForbidden(string target, Uri via, Uri host) =>
                $"{target}: the proxy {Name(via)} refused to open a tunnel to {host.Authority} (HTTP 403): it does not allow this host or port. Ask its administrators to allow CONNECT to {host.Authority}, {BypassIt}";

            /// <summary>The proxy could not open the tunnel (any other status): it could not resolve or reach the host.</summary>
            public static string TunnelFailed(string target, Uri via, Uri host, int status) =>
                $"{target}: the proxy {Name(via)} could not open a tunnel to {host.Authority} (HTTP {status}): it could not resolve or reach the host. Check the host name (-Environment, -BaseUri) and the proxy's own access to it.";

            /// <summary>The proxy itself could not be reached.</summary>
            /// <param name="origin">Where the proxy setting came from when not from -Proxy (Proxies.DefaultProxySource.Origin).</param>
            public static string Unreachable(string target, Uri via, Uri host, bool nameUnresolved, string origin) =>
                $"{target}: the proxy {Name(via)} could not be reached ({(nameUnresolved ? "its name could not be resolved" : "the connection was refused")}). Check -Proxy (or {origin}), or use -NoProxy where {host.Host} is reachable directly.";

            /// <summary>The proxy answered the handshake with a certificate from its own CA, which this machine does not trust.</summary>
            public static string TlsInspected(string target, Uri via, Uri host, string serverIssuer, bool hasExpectedAuthority)
            {
                string issuer = ServerText.Clean(serverIssuer, 200, keepLines: false);
                return $"{target}: the proxy {Name(via)} inspects TLS: the certificate presented for {host.Host} was issued by '{issuer}', not by the host's own CA, and mTLS cannot pass an inspecting proxy (it cannot present the client certificate to the host). {BypassInspection(host)}"
                    + (hasExpectedAuthority ? string.Empty : $" If '{issuer}' is the host's own CA (a private test host), pass it with -ServerCertificateAuthority instead.");
            }

            /// <summary>
            /// The host answered that it got no client certificate, through a proxy that completed the handshake itself:
            /// the proxy inspects TLS with a CA this machine trusts (<paramref name="serverIssuer"/>).
            /// </summary>
            public static string InspectedTrusted(Uri host, Uri via, int statusCode, string serverIssuer)
            {
                string issuer = ServerText.Clean(serverIssuer ?? "an unknown CA", 200, keepLines: false);
                return $"{host.Host} answered HTTP {statusCode}: it received no client certificate, though one was offered. The proxy {Name(via)} inspects TLS (the certificate presented for {host.Host} was issued by '{issuer}') and cannot present the client certificate to the host, so mTLS cannot pass it. {BypassInspection(host)}";
            }

            private static string Name(Uri via) => via != null ? via.AbsoluteUri : "the proxy";

            private static string Asks(string challenge) =>
                challenge != null
                    ? $"it asks for {challenge}"
                    : "which scheme it asks for could not be read: curl -v -x <proxy> shows its Proxy-Authenticate header";

            private static string BypassInspection(Uri host) =>
                $"Add {host.Host} to the proxy's TLS-inspection bypass list, or bypass the proxy (NO_PROXY or -NoProxy) where the host is reachable directly.";
        }
    }
}
