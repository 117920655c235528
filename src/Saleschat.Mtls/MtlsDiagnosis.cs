namespace Saleschat.Mtls
{
    /// <summary>What a hello call found, in terms a person can act on.</summary>
    public enum MtlsDiagnosis
    {
        Success,
        ClientCertificateRefused,
        ClientCertificateExpired,
        NoPrivateKey,
        ServerCertificateUntrusted,
        DnsFailure,
        ConnectionRefused,
        Timeout,
        WrongOrganization,
        UnexpectedResponse,

        /// <summary>The TLS handshake succeeded and the server answered 401: the API key, not the certificate.</summary>
        ApiKeyRejected,

        /// <summary>The server's certificate does not name the host asked for, even when its CA was given.</summary>
        ServerNameMismatch,

        /// <summary>A CA-issued certificate was refused, and what the module sends does not reach a self-signed root.</summary>
        ClientChainIncomplete,

        /// <summary>The proxy wants credentials (407): none were given, or it refused them.</summary>
        ProxyAuthenticationRequired,

        /// <summary>The proxy refused to open a tunnel to the host (403), or could not reach it (5xx).</summary>
        ProxyRefused,

        /// <summary>The proxy could not be reached.</summary>
        ProxyUnreachable,

        /// <summary>A TLS-inspecting proxy is between the client and the host: mTLS cannot pass it; bypass the host.</summary>
        TlsInspectedByProxy,
    }
}
