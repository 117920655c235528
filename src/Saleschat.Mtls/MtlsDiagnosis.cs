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
    }
}
