using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Emulator.Certificates;

/// <summary>
/// Decides, at each of the three points where an edge can refuse, whether this client certificate is refused there.
/// Chain trust is never checked: customers bring self-signed certificates. A certificate passes when it is registered
/// and inside its validity window: real edges (nginx, haproxy) refuse an expired certificate whatever else is true.
/// </summary>
internal sealed class ClientCertificatePolicy(EmulatorOptions options, ClientCertificateRegistry registry)
{
    /// <summary>Inside the handshake: returning false makes Kestrel fail it with a TLS alert.</summary>
    public bool AcceptDuringHandshake(X509Certificate2 certificate) =>
        options.Refusal != RefusalMode.TlsAlert || IsAcceptable(certificate);

    /// <summary>Right after the handshake, before HTTP: the connection is closed without a response.</summary>
    public bool CloseAfterHandshake(X509Certificate2? certificate) =>
        options.Refusal == RefusalMode.CloseAfterHandshake && !IsAcceptable(certificate);

    /// <summary>
    /// Per request: 403 (nginx's 400 page in <see cref="RefusalMode.NginxPage"/>). In TlsAlert mode a certificate that reached HTTP was accepted in the handshake, so only a
    /// missing certificate (possible when it is optional) is refused here; a real edge does not re-check per request.
    /// </summary>
    public bool RefuseRequest(X509Certificate2? certificate) => options.Refusal switch
    {
        RefusalMode.Http403 or RefusalMode.NginxPage => !IsAcceptable(certificate),
        RefusalMode.TlsAlert => certificate is null,
        _ => false,
    };

    /// <summary>Expired, or not yet valid: refused as nginx does (X509_V_ERR_CERT_HAS_EXPIRED, X509_V_ERR_CERT_NOT_YET_VALID).</summary>
    public static bool IsOutsideValidity(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        var now = DateTime.Now;
        return now > certificate.NotAfter || now < certificate.NotBefore;
    }

    private bool IsAcceptable(X509Certificate2? certificate) =>
        registry.IsRegistered(certificate) && !IsOutsideValidity(certificate);
}
