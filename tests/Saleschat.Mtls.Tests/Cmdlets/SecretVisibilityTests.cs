using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Cmdlets;

/// <summary>
/// With passwords given, nothing a user can see (output, formatted output, every stream, every error)
/// holds the password text or the private key. One engine per test: HostOutput is scanned whole.
/// </summary>
public sealed class SecretVisibilityTests
{
    private const string Password = "Sup3r-Secret-Pw!";
    private const string WrongPassword = "Wr0ng-Secret-Pw?";

    /// <summary>The key as plain PKCS#8 and PKCS#1, whatever form the file holds, so a leak in any encoding is caught.</summary>
    private static string[] PlainKeyForms(TempFolder dir, string keyPath) =>
    [
        OpenSsl.Ok(dir.Path, "pkey", "-in", keyPath, "-passin", "pass:" + Password),
        OpenSsl.Ok(dir.Path, "rsa", "-in", keyPath, "-passin", "pass:" + Password, "-traditional"),
        File.ReadAllText(keyPath),
    ];

    private static void AssertNothingSecret(Engine engine, Saleschat.Mtls.Host.ScriptResult result, string[] keyForms)
    {
        string visible = engine.EverythingVisible(result);
        Assert.DoesNotContain(Password, visible);
        Assert.DoesNotContain(WrongPassword, visible);
        Assert.All(keyForms, pem => Assert.False(TestSecrets.ContainsKeyMaterial(visible, pem), "key material is visible"));
    }

    [Fact]
    public void The_whole_lifecycle_with_passwords_and_Verbose_shows_no_secret()
    {
        using var engine = new Engine();
        using var dir = new TempFolder();
        string key = dir.File("c.key"), cert = dir.File("c.crt"), pfx = dir.File("c.pfx"), pem = dir.File("upload.crt");
        var result = engine.Run("""
            $k = New-SaleschatClientKey -Path $key -Password $pw -Verbose
            $k | Out-Default; "$k"; $k.psobject.Properties | ForEach-Object { $_.Name + '=' + $_.Value }
            $c = New-SaleschatClientCertificate -KeyPath $key -KeyPassword $pw -Organization Acme -Path $cert -Verbose
            $c | Out-Default; "$c"
            $g = Get-SaleschatClientCertificate -Path $cert -KeyPath $key -KeyPassword $pw -Verbose
            $g | Out-Default; $g.psobject.Properties | ForEach-Object { try { $_.Name + "=" + $_.Value } catch { $_.Name } } | Out-Default
            $t = $g | Test-SaleschatClientCertificate -KeyPath $key -KeyPassword $pw -Verbose
            $t | Out-Default; $t.Checks | Out-Default; "$t"
            $g | Export-SaleschatClientCertificate -Path $pfx -Format Pfx -KeyPassword $pw -Verbose | Out-Default
            $g | Export-SaleschatClientCertificate -Path $pem -Verbose | Out-Default
            $g | Export-SaleschatClientCertificate
            Get-SaleschatClientCertificate -Path $pfx -KeyPassword $pw -Verbose | Out-Default
            """,
            ("key", key), ("cert", cert), ("pfx", pfx), ("pem", pem), ("pw", TestSecrets.Secure(Password)));

        Assert.Empty(result.Errors);
        Assert.NotEmpty(result.Verbose);
        Assert.Contains("Acme-saleschat-mtls", engine.HostOutput);
        AssertNothingSecret(engine, result, PlainKeyForms(dir, key));
    }

    [Fact]
    public void Wrong_password_errors_show_no_secret()
    {
        using var engine = new Engine();
        using var dir = new TempFolder();
        string key = OpenSslPairs.Key(dir, "c.key", 2048, "-aes256", "-passout", "pass:" + Password);
        string cert = OpenSslPairs.Certificate(dir, key, passin: Password);
        string legacy = dir.File("legacy.key");
        OpenSsl.Ok(dir.Path, "rsa", "-in", key, "-passin", "pass:" + Password, "-out", legacy, "-aes256", "-traditional", "-passout", "pass:" + Password);
        string pfx = dir.File("c.pfx");
        OpenSsl.Ok(dir.Path, "pkcs12", "-export", "-inkey", key, "-passin", "pass:" + Password, "-in", cert, "-out", pfx, "-passout", "pass:" + Password);

        var result = engine.Run("""
            Get-SaleschatClientCertificate -Path $cert -KeyPath $key -KeyPassword $wrong -Verbose
            Get-SaleschatClientCertificate -Path $cert -KeyPath $legacy -KeyPassword $wrong -Verbose
            Get-SaleschatClientCertificate -Path $pfx -KeyPassword $wrong -Verbose
            Get-SaleschatClientCertificate -Pem ([IO.File]::ReadAllText($cert) + [IO.File]::ReadAllText($key)) -KeyPassword $wrong -Verbose
            New-SaleschatClientCertificate -KeyPath $key -KeyPassword $wrong -Organization Acme -Verbose
            Get-SaleschatClientCertificate -Path $cert | Test-SaleschatClientCertificate -KeyPath $key -KeyPassword $wrong -Verbose
            $Error | Out-Default
            $Error | ForEach-Object { $_.Exception.ToString(); $_.Exception.InnerException; $_.ScriptStackTrace } | Out-Default
            """,
            ("cert", cert), ("key", key), ("legacy", legacy), ("pfx", pfx), ("wrong", TestSecrets.Secure(WrongPassword)));

        Assert.Equal(6, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.StartsWith("WrongKeyPassword,", e.FullyQualifiedErrorId));
        AssertNothingSecret(engine, result, PlainKeyForms(dir, key));
    }

    [Fact]
    public void A_PEM_bundle_from_a_CI_secret_is_never_echoed()
    {
        using var engine = new Engine();
        using var dir = new TempFolder();
        string key = OpenSslPairs.Key(dir);
        string cert = OpenSslPairs.Certificate(dir, key);
        string bundle = Convert.ToBase64String(File.ReadAllBytes(cert).Concat(File.ReadAllBytes(key)).ToArray());

        var result = engine.Run("""
            $c = Get-SaleschatClientCertificate -Pem $bundle -Verbose
            $c | Out-Default; $c.psobject.Properties | ForEach-Object { try { $_.Name + "=" + $_.Value } catch { $_.Name } } | Out-Default
            Get-SaleschatClientCertificate -Pem $bundle.Substring(0, 200) -Verbose
            $Error | Out-Default
            """, ("bundle", bundle));

        Assert.Single(result.Errors);
        string visible = engine.EverythingVisible(result);
        Assert.DoesNotContain(bundle.Substring(0, 200), visible);
        Assert.All(PlainKeyForms(dir, key), pem => Assert.False(TestSecrets.ContainsKeyMaterial(visible, pem)));
    }
}
