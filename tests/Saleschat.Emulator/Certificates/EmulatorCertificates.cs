using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Emulator.Certificates;

/// <summary>
/// A throwaway CA and the server certificate it signs, made fresh at every start so no test depends on the machine's
/// trust store or on a developer certificate. Clients trust the emulator by trusting <see cref="CaCertificate"/>.
/// </summary>
internal sealed class EmulatorCertificates : IDisposable
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    private EmulatorCertificates(X509Certificate2 caCertificate, X509Certificate2 serverCertificate)
    {
        CaCertificate = caCertificate;
        ServerCertificate = serverCertificate;
        CaPem = caCertificate.ExportCertificatePem();
    }

    /// <summary>The CA's public certificate only: handed to tests, so it must not carry the signing key.</summary>
    public X509Certificate2 CaCertificate { get; }

    public string CaPem { get; }

    /// <summary>The server certificate with its private key, for Kestrel.</summary>
    public X509Certificate2 ServerCertificate { get; }

    public static EmulatorCertificates Create()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        using var ca = CreateCa(caKey, now);
        using var serverKey = RSA.Create(2048);
        using var signed = CreateServerRequest(serverKey, ca)
            .Create(ca, now.AddDays(-1), now.AddDays(30), NewSerialNumber());
        using var withKey = signed.CopyWithPrivateKey(serverKey);

        // On Linux Kestrel's SslStream needs a key it can export into OpenSSL; a key attached with CopyWithPrivateKey
        // is ephemeral, so round-trip through PKCS#12 with Exportable to get a stable, usable key.
        var server = X509CertificateLoader.LoadPkcs12(
            withKey.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.Exportable);
        var caPublic = X509CertificateLoader.LoadCertificate(ca.RawData);
        return new EmulatorCertificates(caPublic, server);
    }

    public void Dispose()
    {
        CaCertificate.Dispose();
        ServerCertificate.Dispose();
    }

    private static X509Certificate2 CreateCa(RSA key, DateTimeOffset now)
    {
        var request = new CertificateRequest(
            "CN=Saleschat Emulator Test CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    private static CertificateRequest CreateServerRequest(RSA key, X509Certificate2 ca)
    {
        var request = new CertificateRequest(
            "CN=localhost, O=Saleschat Emulator", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        // Clients connect to https://127.0.0.1:<port>/ (and may use localhost), so both must be in the SAN.
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(
            X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        return request;
    }

    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a serial number must be a positive integer
        return serial;
    }
}
