using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Keys;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class PrivateKeyPemTests
{
    private static readonly Lazy<Org.BouncyCastle.Crypto.Parameters.RsaPrivateCrtKeyParameters> Key = new(() => RsaKeyGenerator.Generate(2048));

    [Fact]
    public void Plain_PKCS8_round_trips()
    {
        string pem = PrivateKeyPem.Write(Key.Value, null);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", pem);
        Assert.DoesNotContain("\r", pem);
        Assert.Equal(Key.Value, PrivateKeyPem.Read(pem, null, "k"));
    }

    [Fact]
    public void Encrypted_PKCS8_round_trips_and_needs_the_right_password()
    {
        string pem = PrivateKeyPem.Write(Key.Value, TestSecrets.Secure("pw-1"));
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", pem);
        Assert.True(PrivateKeyPem.IsEncrypted(pem));
        Assert.Equal(Key.Value, PrivateKeyPem.Read(pem, TestSecrets.Secure("pw-1"), "k"));

        Assert.Equal(ErrorIds.WrongKeyPassword, Assert.Throws<SaleschatException>(() => PrivateKeyPem.Read(pem, TestSecrets.Secure("pw-2"), "k")).ErrorId);
        Assert.Equal(ErrorIds.KeyPasswordRequired, Assert.Throws<SaleschatException>(() => PrivateKeyPem.Read(pem, null, "k")).ErrorId);
    }

    [Fact]
    public void Encryption_is_PBES2_AES256_that_openssl_opens_with_a_non_ASCII_password()
    {
        using var dir = new TempFolder();
        string path = dir.File("k.pem");
        File.WriteAllText(path, PrivateKeyPem.Write(Key.Value, TestSecrets.Secure("Pässwörd-€")));
        string info = OpenSsl.Ok(dir.Path, "asn1parse", "-in", path);
        Assert.Contains("PBES2", info);
        Assert.Contains("aes-256-cbc", info);
        Assert.Contains("hmacWithSHA256", info);
        Assert.Contains("RSA key ok", OpenSsl.Ok(dir.Path, "rsa", "-check", "-noout", "-in", path, "-passin", "pass:Pässwörd-€"));
    }

    [Fact]
    public void Reads_the_key_after_a_certificate_in_a_bundle()
    {
        var certificate = Saleschat.Mtls.Certificates.ClientCertificateBuilder.Build(Key.Value,
            Saleschat.Mtls.Certificates.CertificateSubject.FromParts("Acme", null, null, null, null, null), 365, DateTime.UtcNow);
        string bundle = Saleschat.Mtls.Certificates.CertificatePem.Encode(certificate.GetEncoded()) + PrivateKeyPem.Write(Key.Value, null);
        Assert.Equal(Key.Value, PrivateKeyPem.Read(bundle, null, "bundle"));
    }

    [Fact]
    public void Reads_CRLF_PEM()
    {
        string pem = PrivateKeyPem.Write(Key.Value, null).Replace("\n", "\r\n");
        Assert.Equal(Key.Value, PrivateKeyPem.Read(pem, null, "k"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n")]
    public void Text_without_a_key_is_InvalidKeyPem_naming_its_source(string text)
    {
        var ex = Assert.Throws<SaleschatException>(() => PrivateKeyPem.Read(text, null, "/keys/k.pem"));
        Assert.Equal(ErrorIds.InvalidKeyPem, ex.ErrorId);
        Assert.Equal("/keys/k.pem", ex.Target);
        Assert.Contains("'/keys/k.pem'", ex.Message);
    }
}
