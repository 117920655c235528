using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Cmdlets;

public sealed class ExportSaleschatClientCertificateTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly Engine _engine = fixture.Engine;

    [Fact]
    public void Without_Path_returns_the_PEM_to_paste_in_Settings_mTLS()
    {
        var output = _engine.RunOk("$c = New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme; $c.Thumbprint; $c | Export-SaleschatClientCertificate");
        string thumbprint = output[0].ToString();
        string pem = Assert.IsType<string>(output[1].BaseObject);

        Assert.StartsWith("-----BEGIN CERTIFICATE-----\n", pem);
        Assert.EndsWith("-----END CERTIFICATE-----\n", pem);
        Assert.DoesNotContain("PRIVATE", pem);
        Assert.All(pem.TrimEnd('\n').Split('\n'), line => Assert.InRange(line.Length, 1, 64));
        Assert.Equal(thumbprint, X509Certificate2.CreateFromPem(pem).Thumbprint);
    }

    [Fact]
    public void With_Path_writes_only_the_public_certificate_even_when_the_key_is_attached()
    {
        using var dir = new TempFolder();
        string path = dir.File("upload.crt");
        var output = _engine.RunOk("New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme | Export-SaleschatClientCertificate -Path $p", ("p", path));

        var file = Assert.IsType<FileInfo>(Assert.Single(output).BaseObject);
        Assert.Equal(path, file.FullName);
        string text = File.ReadAllText(path);
        Assert.DoesNotContain("PRIVATE KEY", text);
        Assert.Contains("subject=O = Acme, OU = Technology, CN = Acme-saleschat-mtls", OpenSsl.Ok(dir.Path, "x509", "-in", path, "-noout", "-subject"));
        Assert.Equal(new[] { "upload.crt" }, dir.Names());
    }

    [Fact]
    public void An_existing_file_is_kept_without_Force()
    {
        using var dir = new TempFolder();
        string path = dir.File("upload.crt");
        File.WriteAllText(path, "keep me");
        var result = _engine.Run("New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme | Export-SaleschatClientCertificate -Path $p", ("p", path));
        var error = Assert.Single(result.Errors);
        Assert.Equal("CertificateFileExists,Saleschat.Mtls.Cmdlets.ExportSaleschatClientCertificateCommand", error.FullyQualifiedErrorId);
        Assert.Equal("keep me", File.ReadAllText(path));
        Assert.Equal(new[] { "upload.crt" }, dir.Names());
    }

    [Fact]
    public void A_PFX_needs_a_password_and_a_path()
    {
        using var dir = new TempFolder();
        string path = dir.File("x.pfx");
        var noPassword = _engine.Run("New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme | Export-SaleschatClientCertificate -Path $p -Format Pfx", ("p", path));
        var error = Assert.Single(noPassword.Errors);
        Assert.Equal("PfxPasswordRequired,Saleschat.Mtls.Cmdlets.ExportSaleschatClientCertificateCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(path, error.TargetObject);

        var noPath = _engine.Run("New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme | Export-SaleschatClientCertificate -Format Pfx -KeyPassword $pw", ("pw", TestSecrets.Secure("pfx-pass")));
        Assert.Equal("PfxPathRequired,Saleschat.Mtls.Cmdlets.ExportSaleschatClientCertificateCommand", Assert.Single(noPath.Errors).FullyQualifiedErrorId);
        Assert.Empty(noPath.Output);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public void A_PFX_of_a_certificate_without_its_key_is_refused()
    {
        using var dir = new TempFolder();
        var (_, cert) = CorePairs.IssuedAt(dir, DateTime.UtcNow, "pub");
        var result = _engine.Run("Get-SaleschatClientCertificate -Path $c | Export-SaleschatClientCertificate -Path $p -Format Pfx -KeyPassword $pw",
            ("c", cert), ("p", dir.File("x.pfx")), ("pw", TestSecrets.Secure("pfx-pass")));
        Assert.Equal("CertificateHasNoPrivateKey,Saleschat.Mtls.Cmdlets.ExportSaleschatClientCertificateCommand", Assert.Single(result.Errors).FullyQualifiedErrorId);
        Assert.False(File.Exists(dir.File("x.pfx")));
    }

    [Fact]
    public void A_PFX_round_trips_through_Get()
    {
        using var dir = new TempFolder();
        string path = dir.File("x.pfx");
        var output = _engine.RunOk("$c = New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme; $c | Export-SaleschatClientCertificate -Path $p -Format Pfx -KeyPassword $pw | Out-Null; $c.Thumbprint; Get-SaleschatClientCertificate -Path $p -KeyPassword $pw",
            ("p", path), ("pw", TestSecrets.Secure("pfx-pass")));
        Assert.Equal(output[0].ToString(), output[1].Properties["Thumbprint"].Value);
        Assert.True((bool)output[1].Properties["HasPrivateKey"].Value);
    }

    [Fact]
    public void WhatIf_writes_nothing()
    {
        using var dir = new TempFolder();
        var result = _engine.Run("New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme | Export-SaleschatClientCertificate -Path $p -WhatIf; New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme | Export-SaleschatClientCertificate -Path $q -Format Pfx -KeyPassword $pw -WhatIf",
            ("p", dir.File("c.crt")), ("q", dir.File("x.pfx")), ("pw", TestSecrets.Secure("pfx-pass")));
        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Empty(dir.Names());
    }
}
