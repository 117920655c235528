using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Keys;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>-Thumbprint takes SHA-1 (40 hex digits, what Windows shows) and SHA-256 (64, what newer tools show).</summary>
public sealed class ThumbprintTests
{
    private static X509Certificate2 NewCertificate(string cn)
    {
        var key = RsaKeyGenerator.Generate(2048);
        var built = ClientCertificateBuilder.Build(key, CertificateSubject.Parse("/O=Acme/CN=" + cn), 365, DateTime.UtcNow);
        return X509CertificateLoader.LoadCertificate(built.GetEncoded());
    }

    [Fact]
    public void A_SHA256_thumbprint_finds_its_certificate_and_a_SHA1_one_still_does()
    {
        using X509Certificate2 first = NewCertificate("first");
        using X509Certificate2 second = NewCertificate("second");
        var store = new X509Certificate2Collection { first, second };
        string sha256 = Convert.ToHexString(SHA256.HashData(second.RawData));

        Assert.Equal(second.Thumbprint, ClientCertificateReader.Find(store, ClientCertificateReader.NormalizeThumbprint(sha256.ToLowerInvariant()))!.Thumbprint);
        Assert.Equal(second.Thumbprint, ClientCertificateReader.Find(store, ClientCertificateReader.NormalizeThumbprint(string.Join(":", Chunks(sha256))))!.Thumbprint);
        Assert.Equal(first.Thumbprint, ClientCertificateReader.Find(store, ClientCertificateReader.NormalizeThumbprint(first.Thumbprint))!.Thumbprint);
        Assert.Null(ClientCertificateReader.Find(store, new string('A', 64)));
        Assert.Null(ClientCertificateReader.Find(store, new string('A', 40)));
    }

    [Theory]
    [InlineData("ABC")]
    [InlineData("0123456789012345678901234567890123456789A")] // 41
    [InlineData("")]
    public void A_wrong_length_says_what_lengths_are_taken(string thumbprint)
    {
        var ex = Assert.Throws<SaleschatException>(() => ClientCertificateReader.NormalizeThumbprint(thumbprint));
        Assert.Equal(ErrorIds.InvalidThumbprint, ex.ErrorId);
        Assert.Contains("40", ex.Message);
        Assert.Contains("64", ex.Message);
    }

    private static IEnumerable<string> Chunks(string hex)
    {
        for (int i = 0; i < hex.Length; i += 2)
        {
            yield return hex.Substring(i, 2);
        }
    }
}
