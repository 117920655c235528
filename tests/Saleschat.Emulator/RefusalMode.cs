namespace Saleschat.Emulator;

/// <summary>
/// The ways real mTLS edges were seen to refuse an unregistered client certificate; a client's diagnosis must
/// recognise each one, so the emulator can produce each one.
/// </summary>
public enum RefusalMode
{
    /// <summary>The server rejects the certificate inside the TLS handshake and sends an alert.</summary>
    TlsAlert,

    /// <summary>The handshake completes, then the server closes the connection before any HTTP response.</summary>
    CloseAfterHandshake,

    /// <summary>The handshake completes and every request answers 403 with code 4030002.</summary>
    Http403,

    /// <summary>
    /// nginx `ssl_verify_client on`: the handshake completes and every request answers 400 text/html with nginx's page
    /// "400 The SSL certificate error" (unknown certificate) or "400 No required SSL certificate was sent" (none).
    /// </summary>
    NginxPage,
}
