using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Emulator.Certificates;

/// <summary>
/// The certificates "uploaded in Settings -> mTLS". Saleschat matches a presented certificate by identity, not by
/// chain, so registration is a set of SHA-1 thumbprints of the DER, compared case-insensitively.
/// </summary>
internal sealed class ClientCertificateRegistry
{
    private readonly ConcurrentDictionary<string, byte> _thumbprints = new(StringComparer.OrdinalIgnoreCase);

    public void Register(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        _thumbprints[certificate.Thumbprint] = 0;
    }

    /// <summary>Registers every CERTIFICATE block in the text, as the web app accepts a pasted PEM (or a bundle).</summary>
    /// <returns>How many certificates were registered.</returns>
    /// <exception cref="ArgumentException">The text holds no certificate.</exception>
    public int RegisterPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(pem);
        if (certificates.Count == 0)
        {
            throw new ArgumentException("The text contains no PEM certificate.", nameof(pem));
        }

        foreach (var certificate in certificates)
        {
            Register(certificate);
            certificate.Dispose();
        }

        return certificates.Count;
    }

    public bool IsRegistered(X509Certificate2? certificate) =>
        certificate is not null && _thumbprints.ContainsKey(certificate.Thumbprint);

    public void Clear() => _thumbprints.Clear();
}
