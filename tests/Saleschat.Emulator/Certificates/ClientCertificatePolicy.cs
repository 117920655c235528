using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Emulator.Certificates;

/// <summary>
/// Decides, at each of the three points where an edge can refuse, whether this client certificate is refused there.
/// Chain trust is never checked: customers bring self-signed certificates, registration is the only rule.
/// </summary>
internal sealed class ClientCertificatePolicy(EmulatorOptions options, ClientCertificateRegistry registry)
{
    /// <summary>Inside the handshake: returning false makes Kestrel fail it with a TLS alert.</summary>
    public bool AcceptDuringHandshake(X509Certificate2 certificate) =>
        options.Refusal != RefusalMode.TlsAlert || registry.IsRegistered(certificate);

    /// <summary>Right after the handshake, before HTTP: the connection is closed without a response.</summary>
    public bool CloseAfterHandshake(X509Certificate2? certificate) =>
        options.Refusal == RefusalMode.CloseAfterHandshake && !registry.IsRegistered(certificate);

    /// <summary>
    /// Per request: 403 (nginx's 400 page in <see cref="RefusalMode.NginxPage"/>). In TlsAlert mode a certificate that reached HTTP was accepted in the handshake, so only a
    /// missing certificate (possible when it is optional) is refused here; a real edge does not re-check per request.
    /// </summary>
    public bool RefuseRequest(X509Certificate2? certificate) => options.Refusal switch
    {
        RefusalMode.Http403 or RefusalMode.NginxPage => !registry.IsRegistered(certificate),
        RefusalMode.TlsAlert => certificate is null,
        _ => false,
    };
}
