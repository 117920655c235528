namespace Saleschat.Mtls.Http.Failures
{
    /// <summary>Why a request got no HTTP answer, as far as the client can tell.</summary>
    public enum FailureKind
    {
        DnsFailure,
        ConnectionRefused,
        ServerCertificateUntrusted,

        /// <summary>The server ended the TLS handshake with an alert about our certificate.</summary>
        ClientCertificateRefused,

        /// <summary>The connection closed before or while the answer came (an mTLS edge refusing, or a drop).</summary>
        ConnectionClosed,
        Timeout,
        NetworkError,

        /// <summary>The server's certificate is for another name than the host asked for (trusted or not).</summary>
        ServerNameMismatch,

        /// <summary>SChannel could not use our own private key (a lost key container, no access, CAPI with TLS 1.3).</summary>
        ClientKeyUnusable,

        /// <summary>
        /// The HTTP/2 server reset the request with HTTP_1_1_REQUIRED (<see cref="Http11Fallback"/>): it was not
        /// processed, and is sent again over HTTP/1.1. Never a refusal of the certificate, never a dropped connection.
        /// </summary>
        Http11Required,
    }
}
