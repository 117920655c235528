using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Cmdlets;

public sealed class NewSaleschatClientCertificateTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly Engine _engine = fixture.Engine;

    [Fact]
    public void A_piped_key_gives_a_certificate_with_its_key_and_a_public_only_file()
    {
        using var dir = new TempFolder();
        string path = dir.File("c.crt");

        var cert = _engine.RunOk("New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme -Path $p", ("p", path)).Single();

        var x509 = Assert.IsType<X509Certificate2>(cert.BaseObject);
        Assert.True(x509.HasPrivateKey);
        Assert.Equal("CN=Acme-saleschat-mtls, OU=Technology, O=Acme", x509.Subject);
        Assert.InRange((int)cert.Properties["DaysUntilExpiry"].Value, 364, 365);
        Assert.Contains("Saleschat.Mtls.ClientCertificate", cert.TypeNames);

        string text = File.ReadAllText(path);
        Assert.Equal(1, CountOf(text, "-----BEGIN CERTIFICATE-----"));
        Assert.DoesNotContain("PRIVATE KEY", text);
        Assert.Equal(x509.Thumbprint, X509Certificate2.CreateFromPem(text).Thumbprint);
        Assert.Equal(new[] { "c.crt" }, dir.Names());
    }

    [Fact]
    public void The_KeyPath_form_signs_with_the_key_in_the_file()
    {
        using var dir = new TempFolder();
        string key = OpenSslPairs.Key(dir);
        var cert = _engine.RunOk("New-SaleschatClientCertificate -KeyPath $k -Organization Acme -Country IN -State Maharashtra -Locality Mumbai -Path $p",
            ("k", key), ("p", dir.File("c.crt"))).Single();

        var x509 = (X509Certificate2)cert.BaseObject;
        Assert.True(x509.HasPrivateKey);
        Assert.Equal("CN=Acme-saleschat-mtls, OU=Technology, O=Acme, L=Mumbai, S=Maharashtra, C=IN", x509.Subject);
        // The certificate's public key is the key file's: openssl agrees on the modulus.
        Assert.Equal(
            OpenSsl.Ok(dir.Path, "rsa", "-in", key, "-noout", "-modulus"),
            OpenSsl.Ok(dir.Path, "x509", "-in", dir.File("c.crt"), "-noout", "-modulus"));
    }

    [Fact]
    public void ValidityDays_sets_the_window()
    {
        var cert = (X509Certificate2)_engine.RunOk("New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme -ValidityDays 30").Single().BaseObject;
        Assert.Equal(TimeSpan.FromDays(30), cert.NotAfter - cert.NotBefore);
    }

    [Fact]
    public void WhatIf_writes_nothing()
    {
        using var dir = new TempFolder();
        string key = OpenSslPairs.Key(dir);
        var result = _engine.Run("New-SaleschatClientCertificate -KeyPath $k -Organization Acme -Path $p -WhatIf", ("k", key), ("p", dir.File("c.crt")));
        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Equal(new[] { "client.key" }, dir.Names());
    }

    [Fact]
    public void An_existing_certificate_survives_without_Force_and_is_replaced_with_it()
    {
        using var dir = new TempFolder();
        string path = dir.File("c.crt");
        File.WriteAllText(path, "the certificate already uploaded");
        byte[] before = File.ReadAllBytes(path);

        var result = _engine.Run("New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme -Path $p", ("p", path));

        var error = Assert.Single(result.Errors);
        Assert.Equal("CertificateFileExists,Saleschat.Mtls.Cmdlets.NewSaleschatClientCertificateCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Equal(path, error.TargetObject);
        Assert.Empty(result.Output);
        Assert.Equal(before, File.ReadAllBytes(path));

        _engine.RunOk("New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme -Path $p -Force | Out-Null", ("p", path));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(path));
        Assert.Equal(new[] { "c.crt" }, dir.Names());
    }

    [Fact]
    public void The_subject_of_an_old_certificate_can_be_passed_back_in()
    {
        // What a renewal script does: -Subject $old.Subject, where .NET quotes values holding a comma.
        var output = _engine.RunOk("""
            $old = New-SaleschatClientKey | New-SaleschatClientCertificate -Subject '/C=IN/O=Acme, Inc/OU=Technology/CN=Acme, Inc-saleschat-mtls'
            $new = New-SaleschatClientKey | New-SaleschatClientCertificate -Subject $old.Subject
            $old.Subject; $new.Subject; [Convert]::ToBase64String($old.SubjectName.RawData) -eq [Convert]::ToBase64String($new.SubjectName.RawData)
            """);
        Assert.Equal("CN=\"Acme, Inc-saleschat-mtls\", OU=Technology, O=\"Acme, Inc\", C=IN", output[0].ToString());
        Assert.Equal(output[0].ToString(), output[1].ToString());
        Assert.True((bool)output[2].BaseObject);
    }

    [Fact]
    public void Several_piped_keys_give_one_certificate_each()
    {
        var output = _engine.RunOk("@(1, 2) | ForEach-Object { New-SaleschatClientKey } | New-SaleschatClientCertificate -Organization Acme");
        Assert.Equal(2, output.Count);
        Assert.NotEqual(output[0].Properties["Thumbprint"].Value, output[1].Properties["Thumbprint"].Value);
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, string.Empty).Length) / what.Length;
}
