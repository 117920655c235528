using System.Text;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Keys;

namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>Pairs made with the module's core where the cmdlets cannot make them (a certificate from the past).</summary>
public static class CorePairs
{
    /// <summary>A key file and a 365-day certificate issued at <paramref name="issuedUtc"/>.</summary>
    public static (string Key, string Cert) IssuedAt(TempFolder dir, DateTime issuedUtc, string name = "old")
    {
        var key = RsaKeyGenerator.Generate(2048);
        var certificate = ClientCertificateBuilder.Build(key, CertificateSubject.FromParts("Acme", null, null, null, null, null), 365, issuedUtc);
        string keyPath = dir.File(name + ".key"), certPath = dir.File(name + ".crt");
        File.WriteAllText(keyPath, PrivateKeyPem.Write(key, null), Encoding.ASCII);
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(certPath, CertificatePem.Encode(certificate.GetEncoded()), Encoding.ASCII);
        return (keyPath, certPath);
    }
}
