using System.IO;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Keys;
using Xunit;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// What the PKCS#12 files the module builds carry for Windows (a key-container name of their own, the CNG
/// provider), and the two ways back to a key when the platform says no: BouncyCastle for PFX files it cannot
/// open, and an encrypted PKCS#12 export for keys it will not export in plain text.
/// </summary>
public sealed class Pkcs12BridgeTests
{
    private static readonly RsaPrivateCrtKeyParameters Key = RsaKeyGenerator.Generate(2048);
    private static readonly BcCertificate Certificate =
        ClientCertificateBuilder.Build(Key, CertificateSubject.Parse("/O=Acme/CN=Acme-saleschat-mtls"), 365, DateTime.UtcNow);

    private static Pkcs12Store Load(byte[] pfx, string password)
    {
        Pkcs12Store store = new Pkcs12StoreBuilder().Build();
        store.Load(new MemoryStream(pfx), password.ToCharArray());
        return store;
    }

    private static string KeyAlias(Pkcs12Store store) => Assert.Single(store.Aliases, store.IsKeyEntry);

    private static string? FriendlyNameOfKeyBag(byte[] pfx)
    {
        Pkcs12Store store = Load(pfx, "pw");
        var name = store.GetKey(KeyAlias(store))[PkcsObjectIdentifiers.Pkcs9AtFriendlyName];
        return name == null ? null : ((DerBmpString)name).GetString();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Two_builds_of_the_same_pair_never_share_a_key_bag_name(bool legacy)
    {
        string? first = FriendlyNameOfKeyBag(Pkcs12Bridge.ToPfx(Certificate, Key, "pw".ToCharArray(), legacy));
        string? second = FriendlyNameOfKeyBag(Pkcs12Bridge.ToPfx(Certificate, Key, "pw".ToCharArray(), legacy));

        Assert.NotEqual(first, second);
        Assert.NotEqual("saleschat-mtls-client", first); // the one name every build used to share (dotnet/corefx#8408)
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_key_bag_names_the_CNG_software_key_storage_provider(bool legacy)
    {
        Pkcs12Store store = Load(Pkcs12Bridge.ToPfx(Certificate, Key, "pw".ToCharArray(), legacy), "pw");
        var attribute = store.GetKey(KeyAlias(store))[new DerObjectIdentifier("1.3.6.1.4.1.311.17.1")];

        var provider = Assert.IsType<DerBmpString>(attribute);
        Assert.Equal("Microsoft Software Key Storage Provider", provider.GetString());
    }

    [Fact]
    public void The_in_memory_import_still_holds_the_key()
    {
        using X509Certificate2 imported = Pkcs12Bridge.ToX509Certificate2(Certificate, Key);
        Assert.True(imported.HasPrivateKey);
        using RSA rsa = imported.GetRSAPrivateKey()!;
        Assert.Equal(Key.Modulus.ToByteArrayUnsigned(), rsa.ExportParameters(false).Modulus);
    }

    [Fact]
    public void An_AES_PFX_is_read_through_BouncyCastle_when_the_platform_cannot()
    {
        byte[] pfx = Pkcs12Bridge.ToPfx(Certificate, Key, "secret".ToCharArray(), legacyEncryption: false);

        using X509Certificate2 read = ClientCertificateReader.FromPfxWithBouncyCastle(pfx, Secure("secret"), "test.pfx")!;

        Assert.True(read.HasPrivateKey);
        Assert.Equal(Certificate.GetEncoded(), read.RawData);
        Assert.Null(ClientCertificateReader.FromPfxWithBouncyCastle(pfx, Secure("wrong"), "test.pfx"));
        Assert.Null(ClientCertificateReader.FromPfxWithBouncyCastle(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x03 }, Secure("secret"), "test.pfx"));
    }

    [Fact]
    public void A_key_refused_for_plaintext_export_comes_back_through_an_encrypted_PKCS12()
    {
        using X509Certificate2 certificate = Pkcs12Bridge.ToX509Certificate2(Certificate, Key);
        int calls = 0;

        RsaPrivateCrtKeyParameters key = PfxExport.PrivateKeyOf(certificate, _ =>
        {
            calls++;
            throw new CryptographicException("The requested operation is not supported."); // CNG without plaintext export
        });

        Assert.Equal(1, calls);
        Assert.Equal(Key.Modulus, key.Modulus);
        Assert.Equal(Key.Exponent, key.Exponent);
        Assert.Equal(Key.P, key.P);
    }

    [Fact]
    public void A_key_that_no_export_can_reach_is_reported_as_not_exportable()
    {
        // Both exports refused, as for a key the store marked non-exportable.
        using X509Certificate2 withKey = Pkcs12Bridge.ToX509Certificate2(Certificate, Key);
        var ex = Assert.Throws<Saleschat.Mtls.Errors.SaleschatException>(() =>
            PfxExport.PrivateKeyOf(withKey, _ => throw new CryptographicException("refused"), _ => throw new CryptographicException("also refused")));
        Assert.Equal("KeyNotExportable", ex.ErrorId);
        Assert.Contains("Export the PFX from where the key was made", ex.Message);
    }

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (char c in text)
        {
            secure.AppendChar(c);
        }

        return secure;
    }
}
