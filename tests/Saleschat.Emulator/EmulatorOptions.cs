using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Saleschat.Emulator;

/// <summary>
/// How the emulator behaves. <see cref="ApiKey"/>, <see cref="OrgIds"/> and <see cref="Refusal"/> are read on every
/// connection or request, so a test may change them while the emulator runs (before sending traffic, since
/// <see cref="OrgIds"/> is a plain set); <see cref="Protocols"/> and <see cref="RequireClientCertificate"/> are fixed
/// when Kestrel starts.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>The only key accepted in <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public string ApiKey { get; set; } = "test-api-key";

    /// <summary>Orgs the API key may access; any other org id in a path answers 403 4030001.</summary>
    public ISet<string> OrgIds { get; } = new HashSet<string>(StringComparer.Ordinal) { "org-1" };

    /// <summary>How a client certificate that was never uploaded is refused.</summary>
    public RefusalMode Refusal { get; set; } = RefusalMode.TlsAlert;

    /// <summary>HTTP versions offered through ALPN on the mTLS port.</summary>
    public HttpProtocols Protocols { get; set; } = HttpProtocols.Http1AndHttp2;

    /// <summary>
    /// When false the TLS handshake succeeds without a client certificate; the request is then refused at the HTTP
    /// level like an unregistered certificate (closed for <see cref="RefusalMode.CloseAfterHandshake"/>, otherwise 403).
    /// </summary>
    public bool RequireClientCertificate { get; set; } = true;

    /// <summary>The standalone program logs warnings to stderr; in-process hosts stay silent so test output stays clean.</summary>
    internal bool LogToStandardError { get; set; }
}
