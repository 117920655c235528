using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Interop;

/// <summary>What we make, openssl accepts; what the documented openssl commands make, we load.</summary>
public sealed class OpenSslInteropTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const string Password = "Interop-Pass-42";
    private readonly Engine _engine = fixture.Engine;

    private (string Key, string Cert) OurPair(TempFolder dir, string subjectArgs = "-Organization Acme")
    {
        string key = dir.File("ours.key"), cert = dir.File("ours.crt");
        _engine.RunOk($"New-SaleschatClientKey -Path $k | New-SaleschatClientCertificate {subjectArgs} -Path $c | Out-Null", ("k", key), ("c", cert));
        return (key, cert);
    }

    [Fact]
    public void Our_key_passes_openssl_rsa_check()
    {
        using var dir = new TempFolder();
        var (key, _) = OurPair(dir);
        Assert.Contains("RSA key ok", OpenSsl.Ok(dir.Path, "rsa", "-check", "-noout", "-in", key));
    }

    [Fact]
    public void Our_certificate_has_the_profile_Saleschat_asks_for()
    {
        using var dir = new TempFolder();
        var (_, cert) = OurPair(dir);
        string text = OpenSsl.Ok(dir.Path, "x509", "-in", cert, "-text", "-noout");

        Assert.Contains("Signature Algorithm: sha256WithRSAEncryption", text);
        Assert.Contains("Public-Key: (2048 bit)", text);
        Assert.Contains("Subject: O = Acme, OU = Technology, CN = Acme-saleschat-mtls", text);
        Assert.Contains("Issuer: O = Acme, OU = Technology, CN = Acme-saleschat-mtls", text);
        Assert.Matches(@"X509v3 Basic Constraints: critical\s+CA:FALSE", text);
        Assert.Matches(@"X509v3 Extended Key Usage:\s+TLS Web Client Authentication", text);
        Assert.Matches(@"X509v3 Key Usage: critical\s+Digital Signature", text);

        var parsed = X509Certificate2.CreateFromPem(File.ReadAllText(cert));
        Assert.Equal(TimeSpan.FromDays(365), parsed.NotAfter - parsed.NotBefore);
    }

    [Fact]
    public void Openssl_verifies_our_self_signed_certificate()
    {
        using var dir = new TempFolder();
        var (_, cert) = OurPair(dir);
        Assert.Contains(": OK", OpenSsl.Ok(dir.Path, "verify", "-CAfile", cert, cert));
    }

    [Theory]
    [InlineData("'/C=IN/ST=Maharashtra/L=Mumbai/O=Acme/OU=Technology/CN=Acme-saleschat-mtls'", "C = IN, ST = Maharashtra, L = Mumbai, O = Acme, OU = Technology, CN = Acme-saleschat-mtls")]
    [InlineData("'CN=Acme-saleschat-mtls, OU=Technology, O=Acme, L=Mumbai, ST=Maharashtra, C=IN'", "C = IN, ST = Maharashtra, L = Mumbai, O = Acme, OU = Technology, CN = Acme-saleschat-mtls")]
    [InlineData("'CN=Acme\\, Inc-saleschat-mtls, O=Acme\\, Inc'", "O = \"Acme, Inc\", CN = \"Acme, Inc-saleschat-mtls\"")]
    public void Subject_in_either_form_reaches_the_certificate_as_openssl_writes_it(string subject, string expected)
    {
        using var dir = new TempFolder();
        var (_, cert) = OurPair(dir, "-Subject " + subject);
        Assert.Contains("subject=" + expected, OpenSsl.Ok(dir.Path, "x509", "-in", cert, "-noout", "-subject", "-nameopt", "oneline,-esc_msb").Replace("subject= ", "subject="));
    }

    [Fact]
    public void The_documented_subject_gives_the_same_name_as_openssl_req()
    {
        using var dir = new TempFolder();
        var (_, ours) = OurPair(dir, $"-Subject '{OpenSslPairs.DocumentedSubject}'");
        string theirs = OpenSslPairs.Certificate(dir, OpenSslPairs.Key(dir, "theirs.key"), "theirs.crt");
        Assert.Equal(
            OpenSsl.Ok(dir.Path, "x509", "-in", theirs, "-noout", "-subject"),
            OpenSsl.Ok(dir.Path, "x509", "-in", ours, "-noout", "-subject"));
        // Byte for byte: same attribute order and string types, so name matching on a server is exact.
        var a = X509Certificate2.CreateFromPem(File.ReadAllText(ours));
        var b = X509Certificate2.CreateFromPem(File.ReadAllText(theirs));
        Assert.Equal(b.SubjectName.RawData, a.SubjectName.RawData);
    }

    public static TheoryData<string, string[], string[], string?> DocumentedKeys => new()
    {
        { "PKCS#8 (openssl genrsa)", [], [], null },
        { "PKCS#1 (genrsa -traditional)", ["-traditional"], [], null },
        { "encrypted PKCS#8 (genrsa -aes256)", ["-aes256", "-passout", "pass:" + Password], [], Password },
        { "legacy Proc-Type (rsa -aes256 -traditional)", [], ["-aes256", "-traditional"], Password },
    };

    [Theory]
    [MemberData(nameof(DocumentedKeys))]
    public void A_pair_made_by_the_documented_openssl_commands_loads_and_passes(string form, string[] genrsaArgs, string[] rsaArgs, string? password)
    {
        using var dir = new TempFolder();
        string key = OpenSslPairs.Key(dir, "client.key", 2048, genrsaArgs);
        if (rsaArgs.Length > 0)
        {
            OpenSsl.Ok(dir.Path, ["rsa", "-in", key, "-out", key, .. rsaArgs, "-passout", "pass:" + password]);
        }

        string text = File.ReadAllText(key);
        string expectedHeader = form switch
        {
            _ when form.StartsWith("PKCS#8") => "-----BEGIN PRIVATE KEY-----",
            _ when form.StartsWith("PKCS#1") => "-----BEGIN RSA PRIVATE KEY-----",
            _ when form.StartsWith("encrypted") => "-----BEGIN ENCRYPTED PRIVATE KEY-----",
            _ => "Proc-Type: 4,ENCRYPTED",
        };
        Assert.Contains(expectedHeader, text);

        string cert = OpenSslPairs.Certificate(dir, key, passin: password);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var vars = new (string, object?)[] { ("c", cert), ("k", key), ("pw", password == null ? null : TestSecrets.Secure(password)) };

        var loaded = _engine.RunOk("Get-SaleschatClientCertificate -Path $c -KeyPath $k -KeyPassword $pw", vars).Single();
        Assert.True((bool)loaded.Properties["HasPrivateKey"].Value, form);
        Assert.Equal("CN=Acme-saleschat-mtls, OU=Technology, O=Acme, L=Mumbai, S=Maharashtra, C=IN", loaded.Properties["Subject"].Value);

        var result = _engine.RunOk("Get-SaleschatClientCertificate -Path $c | Test-SaleschatClientCertificate -KeyPath $k -KeyPassword $pw", vars).Single();
        Assert.True((bool)result.Properties["Passed"].Value, form + ": " + string.Join(", ", (string[])result.Properties["FailedChecks"].Value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-LegacyEncryption")]
    public void Our_pfx_opens_with_openssl_3_without_the_legacy_provider(string switches)
    {
        using var dir = new TempFolder();
        var (key, cert) = OurPair(dir);
        string pfx = dir.File("x.pfx");
        _engine.RunOk($"Get-SaleschatClientCertificate -Path $c -KeyPath $k | Export-SaleschatClientCertificate -Path $p -Format Pfx -KeyPassword $pw {switches} | Out-Null",
            ("c", cert), ("k", key), ("p", pfx), ("pw", TestSecrets.Secure(Password)));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pfx));
        string dump = OpenSsl.Ok(dir.Path, "pkcs12", "-in", pfx, "-passin", "pass:" + Password, "-nodes");
        Assert.Contains("-----BEGIN PRIVATE KEY-----", dump);
        var inPfx = X509Certificate2.CreateFromPem(dump.AsSpan(dump.IndexOf("-----BEGIN CERTIFICATE-----")));
        Assert.Equal(X509Certificate2.CreateFromPem(File.ReadAllText(cert)).Thumbprint, inPfx.Thumbprint);
        Assert.NotEqual(0, OpenSsl.Run(dir.Path, "pkcs12", "-in", pfx, "-passin", "pass:wrong", "-nodes").ExitCode);
    }

    [Fact]
    public void A_pfx_made_by_openssl_loads_with_its_key()
    {
        using var dir = new TempFolder();
        string key = OpenSslPairs.Key(dir);
        string cert = OpenSslPairs.Certificate(dir, key);
        string pfx = dir.File("x.pfx");
        OpenSsl.Ok(dir.Path, "pkcs12", "-export", "-inkey", key, "-in", cert, "-out", pfx, "-passout", "pass:" + Password);

        var loaded = _engine.RunOk("Get-SaleschatClientCertificate -Path $p -KeyPassword $pw", ("p", pfx), ("pw", TestSecrets.Secure(Password))).Single();
        Assert.True((bool)loaded.Properties["HasPrivateKey"].Value);
        Assert.Equal(X509Certificate2.CreateFromPem(File.ReadAllText(cert)).Thumbprint, loaded.Properties["Thumbprint"].Value);
        Assert.InRange((int)loaded.Properties["DaysUntilExpiry"].Value, 364, 365);
    }
}
