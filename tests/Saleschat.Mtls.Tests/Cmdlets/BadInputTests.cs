using System.Management.Automation;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Cmdlets;

/// <summary>Each mistake a user makes gets one designed error record and changes no file.</summary>
public sealed class BadInputTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const string Password = "Right-Pass-1";
    private readonly Engine _engine = fixture.Engine;

    /// <summary>Runs the script and checks the single error it must produce, and that the folder is unchanged.</summary>
    private ErrorRecord Fails(TempFolder dir, string script, string id, string cmdlet, ErrorCategory category, params (string, object?)[] vars)
    {
        string[] before = dir.Names();
        var snapshot = before.ToDictionary(n => n, n => File.ReadAllBytes(dir.File(n)));

        var result = _engine.Run(script, vars);

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{id},Saleschat.Mtls.Cmdlets.{cmdlet}Command", error.FullyQualifiedErrorId);
        Assert.Equal(category, error.CategoryInfo.Category);
        Assert.NotNull(error.TargetObject);
        Assert.Equal("Saleschat.Mtls.Errors.SaleschatException", error.Exception.GetType().FullName);
        Assert.DoesNotContain("   at ", error.ToString());
        Assert.DoesNotContain("Exception", error.ToString());
        Assert.Empty(result.Output);
        Assert.Equal(before, dir.Names());
        Assert.All(before, n => Assert.Equal(snapshot[n], File.ReadAllBytes(dir.File(n))));
        return error;
    }

    private static (string Key, string Cert) Pair(TempFolder dir, string name = "client", params string[] keyArgs)
    {
        string key = OpenSslPairs.Key(dir, name + ".key", 2048, keyArgs);
        return (key, OpenSslPairs.Certificate(dir, key, name + ".crt", passin: keyArgs.Length > 0 ? Password : null));
    }

    [Fact]
    public void A_missing_certificate_file()
    {
        using var dir = new TempFolder();
        string missing = dir.File("missing.crt");
        var error = Fails(dir, "Get-SaleschatClientCertificate -Path $c", "CertificateFileNotFound", "GetSaleschatClientCertificate", ErrorCategory.ObjectNotFound, ("c", missing));
        Assert.Equal(missing, error.TargetObject);
    }

    [Fact]
    public void A_missing_key_file()
    {
        using var dir = new TempFolder();
        var (_, cert) = Pair(dir);
        string missing = dir.File("missing.key");
        Assert.Equal(missing, Fails(dir, "Get-SaleschatClientCertificate -Path $c -KeyPath $k", "KeyFileNotFound", "GetSaleschatClientCertificate", ErrorCategory.ObjectNotFound, ("c", cert), ("k", missing)).TargetObject);
        Fails(dir, "New-SaleschatClientCertificate -KeyPath $k -Organization Acme -Path $p", "KeyFileNotFound", "NewSaleschatClientCertificate", ErrorCategory.ObjectNotFound, ("k", missing), ("p", dir.File("new.crt")));
        Fails(dir, "Get-SaleschatClientCertificate -Path $c | Test-SaleschatClientCertificate -KeyPath $k", "KeyFileNotFound", "TestSaleschatClientCertificate", ErrorCategory.ObjectNotFound, ("c", cert), ("k", missing));
    }

    [Theory]
    [InlineData("this is not a certificate")]
    [InlineData("")]
    [InlineData("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")]
    public void A_certificate_file_that_is_no_certificate(string content)
    {
        using var dir = new TempFolder();
        string path = dir.File("bad.crt");
        File.WriteAllText(path, content);
        Assert.Equal(path, Fails(dir, "Get-SaleschatClientCertificate -Path $c", "InvalidCertificatePem", "GetSaleschatClientCertificate", ErrorCategory.InvalidData, ("c", path)).TargetObject);
    }

    [Fact]
    public void PEM_text_that_is_no_certificate()
    {
        using var dir = new TempFolder();
        Fails(dir, "Get-SaleschatClientCertificate -Pem 'garbage text'", "InvalidCertificatePem", "GetSaleschatClientCertificate", ErrorCategory.InvalidData);
    }

    [Theory]
    [InlineData("this is not a key")]
    [InlineData("")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n")]
    public void A_key_file_that_is_no_key(string content)
    {
        using var dir = new TempFolder();
        var (_, cert) = Pair(dir);
        string key = dir.File("bad.key");
        File.WriteAllText(key, content);
        Assert.Equal(key, Fails(dir, "Get-SaleschatClientCertificate -Path $c -KeyPath $k", "InvalidKeyPem", "GetSaleschatClientCertificate", ErrorCategory.InvalidData, ("c", cert), ("k", key)).TargetObject);
        Fails(dir, "New-SaleschatClientCertificate -KeyPath $k -Organization Acme -Path $p", "InvalidKeyPem", "NewSaleschatClientCertificate", ErrorCategory.InvalidData, ("k", key), ("p", dir.File("new.crt")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_wrong_password(bool legacy)
    {
        using var dir = new TempFolder();
        var (key, cert) = Pair(dir, "client", "-aes256", "-passout", "pass:" + Password);
        if (legacy) OpenSsl.Ok(dir.Path, "rsa", "-in", key, "-passin", "pass:" + Password, "-out", key, "-aes256", "-traditional", "-passout", "pass:" + Password);
        var wrong = ("pw", (object?)TestSecrets.Secure("Wrong-Pass-2"));
        Fails(dir, "Get-SaleschatClientCertificate -Path $c -KeyPath $k -KeyPassword $pw", "WrongKeyPassword", "GetSaleschatClientCertificate", ErrorCategory.AuthenticationError, ("c", cert), ("k", key), wrong);
        Fails(dir, "New-SaleschatClientCertificate -KeyPath $k -KeyPassword $pw -Organization Acme -Path $p", "WrongKeyPassword", "NewSaleschatClientCertificate", ErrorCategory.AuthenticationError, ("k", key), ("p", dir.File("new.crt")), wrong);
    }

    [Fact]
    public void A_wrong_PFX_password_or_none()
    {
        using var dir = new TempFolder();
        var (key, cert) = Pair(dir);
        string pfx = dir.File("x.pfx");
        OpenSsl.Ok(dir.Path, "pkcs12", "-export", "-inkey", key, "-in", cert, "-out", pfx, "-passout", "pass:" + Password);
        Fails(dir, "Get-SaleschatClientCertificate -Path $p -KeyPassword $pw", "WrongKeyPassword", "GetSaleschatClientCertificate", ErrorCategory.AuthenticationError, ("p", pfx), ("pw", TestSecrets.Secure("Wrong-Pass-2")));
        Fails(dir, "Get-SaleschatClientCertificate -Path $p", "PfxPasswordRequired", "GetSaleschatClientCertificate", ErrorCategory.InvalidArgument, ("p", pfx));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_encrypted_key_without_a_password(bool legacy)
    {
        using var dir = new TempFolder();
        var (key, cert) = Pair(dir, "client", "-aes256", "-passout", "pass:" + Password);
        if (legacy) OpenSsl.Ok(dir.Path, "rsa", "-in", key, "-passin", "pass:" + Password, "-out", key, "-aes256", "-traditional", "-passout", "pass:" + Password);
        Fails(dir, "Get-SaleschatClientCertificate -Path $c -KeyPath $k", "KeyPasswordRequired", "GetSaleschatClientCertificate", ErrorCategory.InvalidArgument, ("c", cert), ("k", key));
        Fails(dir, "New-SaleschatClientCertificate -KeyPath $k -Organization Acme -Path $p", "KeyPasswordRequired", "NewSaleschatClientCertificate", ErrorCategory.InvalidArgument, ("k", key), ("p", dir.File("new.crt")));
    }

    [Fact]
    public void The_key_of_another_certificate()
    {
        using var dir = new TempFolder();
        var (_, cert) = Pair(dir, "a");
        var (otherKey, _) = Pair(dir, "b");
        Fails(dir, "Get-SaleschatClientCertificate -Path $c -KeyPath $k", "CertificateKeyMismatch", "GetSaleschatClientCertificate", ErrorCategory.InvalidData, ("c", cert), ("k", otherKey));
        Fails(dir, "Get-SaleschatClientCertificate -Pem ([IO.File]::ReadAllText($c)) -KeyPem ([IO.File]::ReadAllText($k))", "CertificateKeyMismatch", "GetSaleschatClientCertificate", ErrorCategory.InvalidData, ("c", cert), ("k", otherKey));
    }

    [Fact]
    public void A_1024_bit_key_is_too_small_for_a_certificate()
    {
        using var dir = new TempFolder();
        string key = OpenSslPairs.Key(dir, "small.key", 1024);
        Assert.Equal(1024, Fails(dir, "New-SaleschatClientCertificate -KeyPath $k -Organization Acme -Path $p", "KeyTooSmall", "NewSaleschatClientCertificate", ErrorCategory.InvalidData, ("k", key), ("p", dir.File("c.crt"))).TargetObject);
    }

    [Fact]
    public void An_EC_key_is_not_supported()
    {
        using var dir = new TempFolder();
        string key = dir.File("ec.key");
        OpenSsl.Ok(dir.Path, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
        string cert = OpenSslPairs.Certificate(dir, key, "ec.crt");
        Fails(dir, "New-SaleschatClientCertificate -KeyPath $k -Organization Acme -Path $p", "UnsupportedKeyType", "NewSaleschatClientCertificate", ErrorCategory.InvalidData, ("k", key), ("p", dir.File("c.crt")));
        Fails(dir, "Get-SaleschatClientCertificate -Path $c -KeyPath $k", "UnsupportedKeyType", "GetSaleschatClientCertificate", ErrorCategory.InvalidData, ("c", cert), ("k", key));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(3651)]
    public void Validity_days_out_of_range(int days)
    {
        using var dir = new TempFolder();
        string key = OpenSslPairs.Key(dir);
        Assert.Equal(days, Fails(dir, $"New-SaleschatClientCertificate -KeyPath $k -Organization Acme -ValidityDays {days} -Path $p", "InvalidValidityDays", "NewSaleschatClientCertificate", ErrorCategory.InvalidArgument, ("k", key), ("p", dir.File("c.crt"))).TargetObject);
        Fails(dir, $"New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme -ValidityDays {days} -Path $p", "InvalidValidityDays", "NewSaleschatClientCertificate", ErrorCategory.InvalidArgument, ("p", dir.File("c.crt")));
    }

    [Theory]
    [InlineData("-Organization Acme -Country India")]
    [InlineData("-Subject '/C=IN/X=what/CN=Acme'")]
    [InlineData("-Subject 'CN'")]
    [InlineData("-Subject '   '")]
    public void A_subject_that_is_not_valid(string args)
    {
        using var dir = new TempFolder();
        var error = Fails(dir, $"New-SaleschatClientKey | New-SaleschatClientCertificate {args} -Path $p", "InvalidSubject", "NewSaleschatClientCertificate", ErrorCategory.InvalidArgument, ("p", dir.File("c.crt")));
        Assert.Contains("subject", error.Exception.Message);
    }
}
