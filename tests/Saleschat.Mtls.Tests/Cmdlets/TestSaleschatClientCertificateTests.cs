using System.Management.Automation;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Cmdlets;

public sealed class TestSaleschatClientCertificateTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private static readonly string[] AllChecks =
    [
        "KeyAlgorithm", "KeySize", "SignatureAlgorithm", "ValidityPeriod", "CurrentlyValid",
        "MinimumDaysValid", "ClientAuthentication", "KeyMatchesCertificate", "KeyFilePermissions",
    ];

    private readonly Engine _engine = fixture.Engine;

    private PSObject Test(string certPath, string? keyPath = null, string extra = "") =>
        _engine.RunOk($"Get-SaleschatClientCertificate -Path $c | Test-SaleschatClientCertificate {(keyPath != null ? "-KeyPath $k" : string.Empty)} {extra}",
            ("c", certPath), ("k", keyPath)).Single();

    private static Dictionary<string, string> Outcomes(PSObject result) =>
        ((IEnumerable<object>)result.Properties["Checks"].Value).Cast<CertificateCheck>().ToDictionary(c => c.Name, c => c.Outcome.ToString());

    private static string[] Failed(PSObject result) => (string[])result.Properties["FailedChecks"].Value;

    [Fact]
    public void Our_pair_passes_every_named_check()
    {
        using var dir = new TempFolder();
        string key = dir.File("c.key"), cert = dir.File("c.crt");
        _engine.RunOk("New-SaleschatClientKey -Path $k | New-SaleschatClientCertificate -Organization Acme -Path $c | Out-Null", ("k", key), ("c", cert));

        var result = Test(cert, key);

        Assert.True((bool)result.Properties["Passed"].Value);
        Assert.Equal(AllChecks, Outcomes(result).Keys);
        Assert.All(Outcomes(result).Values, o => Assert.Equal("Passed", o));
        Assert.InRange((int)result.Properties["DaysUntilExpiry"].Value, 364, 365);
    }

    [Fact]
    public void Without_a_key_file_the_key_checks_are_skipped_not_passed()
    {
        using var dir = new TempFolder();
        var (_, cert) = CorePairs.IssuedAt(dir, DateTime.UtcNow, "c");
        var outcomes = Outcomes(Test(cert));
        Assert.Equal("Skipped", outcomes["KeyMatchesCertificate"]);
        Assert.Equal("Skipped", outcomes["KeyFilePermissions"]);
    }

    [Fact]
    public void Quiet_returns_a_bool()
    {
        using var dir = new TempFolder();
        var (key, cert) = CorePairs.IssuedAt(dir, DateTime.UtcNow, "c");
        Assert.True(Assert.IsType<bool>(Test(cert, key, "-Quiet").BaseObject));
        Assert.False(Assert.IsType<bool>(Test(cert, key, "-Quiet -MinimumDaysValid 400").BaseObject));
    }

    [Fact]
    public void MinimumDaysValid_fails_a_certificate_that_expires_sooner()
    {
        using var dir = new TempFolder();
        var (key, cert) = CorePairs.IssuedAt(dir, DateTime.UtcNow, "c");
        var result = Test(cert, key, "-MinimumDaysValid 400");
        Assert.False((bool)result.Properties["Passed"].Value);
        Assert.Equal(new[] { "MinimumDaysValid" }, Failed(result));
    }

    [Fact]
    public void A_key_file_others_can_read_fails_KeyFilePermissions()
    {
        using var dir = new TempFolder();
        var (key, cert) = CorePairs.IssuedAt(dir, DateTime.UtcNow, "c");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var result = Test(cert, key);
        Assert.Equal(new[] { "KeyFilePermissions" }, Failed(result));
        var check = ((IEnumerable<object>)result.Properties["Checks"].Value).Cast<CertificateCheck>().Single(c => c.Name == "KeyFilePermissions");
        Assert.Contains("0644", check.Detail);
    }

    [Fact]
    public void A_key_of_another_certificate_fails_KeyMatchesCertificate()
    {
        using var dir = new TempFolder();
        var (_, cert) = CorePairs.IssuedAt(dir, DateTime.UtcNow, "a");
        var (otherKey, _) = CorePairs.IssuedAt(dir, DateTime.UtcNow, "b");
        Assert.Equal(new[] { "KeyMatchesCertificate" }, Failed(Test(cert, otherKey)));
    }

    [Fact]
    public void A_SHA1_certificate_fails_SignatureAlgorithm()
    {
        using var dir = new TempFolder();
        string key = OpenSslPairs.Key(dir);
        string cert = OpenSslPairs.Certificate(dir, key, digest: "-sha1");
        Assert.Equal(new[] { "SignatureAlgorithm" }, Failed(Test(cert, key)));
    }

    [Fact]
    public void A_1024_bit_RSA_certificate_fails_KeySize()
    {
        using var dir = new TempFolder();
        string key = OpenSslPairs.Key(dir, bits: 1024);
        string cert = OpenSslPairs.Certificate(dir, key);
        Assert.Equal(new[] { "KeySize" }, Failed(Test(cert)));
    }

    [Fact]
    public void An_EC_certificate_fails_KeyAlgorithm_KeySize_and_SignatureAlgorithm()
    {
        using var dir = new TempFolder();
        string key = dir.File("ec.key");
        OpenSsl.Ok(dir.Path, "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", key);
        string cert = OpenSslPairs.Certificate(dir, key);
        Assert.Equal(new[] { "KeyAlgorithm", "KeySize", "SignatureAlgorithm" }, Failed(Test(cert)));
    }

    [Fact]
    public void An_expired_certificate_fails_CurrentlyValid()
    {
        using var dir = new TempFolder();
        var (key, cert) = CorePairs.IssuedAt(dir, DateTime.UtcNow.AddYears(-2), "c");
        var result = _engine.Run("Get-SaleschatClientCertificate -Path $c -ErrorAction SilentlyContinue | Test-SaleschatClientCertificate -KeyPath $k", ("c", cert), ("k", key));
        var test = result.Output.Single();
        Assert.Equal(new[] { "CurrentlyValid", "MinimumDaysValid" }, Failed(test));
        Assert.True((int)test.Properties["DaysUntilExpiry"].Value < 0);
    }

    [Fact]
    public void A_two_year_certificate_fails_ValidityPeriod()
    {
        var cert = _engine.RunOk("New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme -ValidityDays 730 | Test-SaleschatClientCertificate").Single();
        Assert.Equal(new[] { "ValidityPeriod" }, Failed(cert));
    }

    [Fact]
    public void A_server_only_certificate_fails_ClientAuthentication()
    {
        using var dir = new TempFolder();
        string key = OpenSslPairs.Key(dir);
        string cert = dir.File("server.crt");
        OpenSsl.Ok(dir.Path, "req", "-x509", "-new", "-key", key, "-out", cert, "-days", "365", "-sha256", "-subj", "/CN=server",
            "-addext", "extendedKeyUsage=serverAuth");
        Assert.Equal(new[] { "ClientAuthentication" }, Failed(Test(cert, key)));
    }

    [Theory]
    [InlineData("extendedKeyUsage=clientAuth", "keyUsage=critical,keyEncipherment")]
    [InlineData("keyUsage=critical,keyEncipherment", "extendedKeyUsage=clientAuth")]
    public void Client_auth_without_digitalSignature_fails_whatever_the_extension_order(string first, string second)
    {
        // TLS client authentication signs the handshake: a key usage without digitalSignature is refused.
        using var dir = new TempFolder();
        string key = OpenSslPairs.Key(dir);
        string cert = dir.File("c.crt");
        OpenSsl.Ok(dir.Path, "req", "-x509", "-new", "-key", key, "-out", cert, "-days", "365", "-sha256", "-subj", "/CN=c",
            "-addext", first, "-addext", second);
        Assert.Equal(new[] { "ClientAuthentication" }, Failed(Test(cert, key)));
    }

    [Fact]
    public void Every_check_is_written_to_the_verbose_stream()
    {
        using var dir = new TempFolder();
        var (key, cert) = CorePairs.IssuedAt(dir, DateTime.UtcNow, "c");
        var result = _engine.Run("Get-SaleschatClientCertificate -Path $c | Test-SaleschatClientCertificate -KeyPath $k -Verbose", ("c", cert), ("k", key));
        Assert.All(AllChecks, name => Assert.Contains(result.Verbose, v => v.StartsWith(name + ":")));
    }
}
