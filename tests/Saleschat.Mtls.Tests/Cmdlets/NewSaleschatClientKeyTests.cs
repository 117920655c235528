using System.Management.Automation;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Cmdlets;

public sealed class NewSaleschatClientKeyTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly Engine _engine = fixture.Engine;

    [Fact]
    public void Writes_an_owner_only_pkcs8_key_and_describes_it()
    {
        using var dir = new TempFolder();
        string path = dir.File("client.key");

        var key = _engine.RunOk("New-SaleschatClientKey -Path $p", ("p", path)).Single();

        Assert.Equal("Saleschat.Mtls.ClientKey", key.BaseObject.GetType().FullName);
        Assert.Equal(2048, (int)key.Properties["KeySize"].Value);
        Assert.Equal("RSA", key.Properties["Algorithm"].Value);
        Assert.False((bool)key.Properties["Encrypted"].Value);
        Assert.Equal(path, key.Properties["Path"].Value);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(new[] { "client.key" }, dir.Names());

        // The fingerprint is the one openssl computes for the same public key.
        string der = dir.File("pub.der");
        OpenSsl.Ok(dir.Path, "pkey", "-in", path, "-pubout", "-outform", "DER", "-out", der);
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(der)));
        Assert.Equal(expected, key.Properties["PublicKeySha256"].Value);
    }

    [Theory]
    [InlineData(3072)]
    [InlineData(4096)]
    public void Makes_the_size_asked_for(int size)
    {
        using var dir = new TempFolder();
        string path = dir.File("k.key");
        var key = _engine.RunOk($"New-SaleschatClientKey -Path $p -KeySize {size}", ("p", path)).Single();
        Assert.Equal(size, (int)key.Properties["KeySize"].Value);
        Assert.Contains($"Private-Key: ({size} bit", OpenSsl.Ok(dir.Path, "rsa", "-in", path, "-noout", "-text"));
    }

    [Fact]
    public void Refuses_an_unsupported_size()
    {
        var result = _engine.Run("New-SaleschatClientKey -KeySize 1024");
        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("ParameterArgumentValidationError"));
    }

    [Fact]
    public void Encrypts_with_a_password_that_openssl_accepts()
    {
        using var dir = new TempFolder();
        string path = dir.File("enc.key");
        var key = _engine.RunOk("New-SaleschatClientKey -Path $p -Password $pw -KeySize 2048",
            ("p", path), ("pw", TestSecrets.Secure("s3cret-Pass!"))).Single();

        Assert.True((bool)key.Properties["Encrypted"].Value);
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", File.ReadAllText(path));
        Assert.Contains("RSA key ok", OpenSsl.Ok(dir.Path, "rsa", "-check", "-noout", "-in", path, "-passin", "pass:s3cret-Pass!"));
        Assert.NotEqual(0, OpenSsl.Run(dir.Path, "rsa", "-check", "-noout", "-in", path, "-passin", "pass:wrong").ExitCode);
    }

    [Fact]
    public void Never_replaces_an_existing_file_without_Force()
    {
        using var dir = new TempFolder();
        string path = dir.File("client.key");
        File.WriteAllText(path, "precious old key");
        byte[] before = File.ReadAllBytes(path);

        var result = _engine.Run("New-SaleschatClientKey -Path $p", ("p", path));

        var error = Assert.Single(result.Errors);
        Assert.Equal("KeyFileExists,Saleschat.Mtls.Cmdlets.NewSaleschatClientKeyCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Equal(path, error.TargetObject);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "client.key" }, dir.Names());
    }

    [Fact]
    public void Force_replaces_atomically_and_keeps_owner_only_mode()
    {
        using var dir = new TempFolder();
        string path = dir.File("client.key");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        _engine.RunOk("New-SaleschatClientKey -Path $p -Force", ("p", path));

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(new[] { "client.key" }, dir.Names());
    }

    [Fact]
    public void WhatIf_creates_nothing()
    {
        using var dir = new TempFolder();
        var result = _engine.Run("New-SaleschatClientKey -Path $p -WhatIf", ("p", dir.File("client.key")));
        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public void A_missing_folder_is_a_clear_error_and_writes_nothing()
    {
        using var dir = new TempFolder();
        var result = _engine.Run("New-SaleschatClientKey -Path $p", ("p", Path.Combine(dir.Path, "nope", "client.key")));
        var error = Assert.Single(result.Errors);
        Assert.Equal("DirectoryNotFound,Saleschat.Mtls.Cmdlets.NewSaleschatClientKeyCommand", error.FullyQualifiedErrorId);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public void Resolves_relative_paths_against_the_PowerShell_location()
    {
        using var dir = new TempFolder();
        // The core host has no Push-Location; the engine API sets the same location.
        _engine.RunOk("$old = $PWD.Path; $ExecutionContext.SessionState.Path.SetLocation($d) | Out-Null; try { New-SaleschatClientKey -Path ./rel.key | Out-Null } finally { $ExecutionContext.SessionState.Path.SetLocation($old) | Out-Null }", ("d", dir.Path));
        Assert.True(File.Exists(dir.File("rel.key")));
    }

    [Fact]
    public void The_key_object_never_shows_key_material()
    {
        using var dir = new TempFolder();
        string path = dir.File("client.key");
        var result = _engine.Run("$k = New-SaleschatClientKey -Path $p -Password $pw -Verbose; $k | Out-Default; $k.psobject.Properties | ForEach-Object { $_.Name + '=' + $_.Value }; \"$k\"",
            ("p", path), ("pw", TestSecrets.Secure("Hunter2-Secret")));
        Assert.Empty(result.Errors);
        string visible = _engine.EverythingVisible(result);
        Assert.DoesNotContain("Hunter2-Secret", visible);
        Assert.False(TestSecrets.ContainsKeyMaterial(visible, File.ReadAllText(path)));
        Assert.Contains("PublicKeySha256", visible);
    }
}
