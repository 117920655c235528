using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Cmdlets;

public sealed class GetSaleschatClientCertificateTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly Engine _engine = fixture.Engine;

    private static (string Key, string Cert, string Thumbprint) Pair(TempFolder dir)
    {
        string key = OpenSslPairs.Key(dir);
        string cert = OpenSslPairs.Certificate(dir, key);
        return (key, cert, X509Certificate2.CreateFromPem(File.ReadAllText(cert)).Thumbprint);
    }

    [Fact]
    public void Reads_PEM_text_as_a_CI_secret_holds_it()
    {
        using var dir = new TempFolder();
        var (_, cert, thumbprint) = Pair(dir);
        var loaded = _engine.RunOk("Get-SaleschatClientCertificate -Pem ([IO.File]::ReadAllText($c))", ("c", cert)).Single();
        Assert.Equal(thumbprint, loaded.Properties["Thumbprint"].Value);
        Assert.False((bool)loaded.Properties["HasPrivateKey"].Value);
        Assert.InRange((int)loaded.Properties["DaysUntilExpiry"].Value, 364, 365);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_base64_of_PEM_on_one_line_or_wrapped_at_76(bool wrapped)
    {
        using var dir = new TempFolder();
        var (key, cert, thumbprint) = Pair(dir);
        string Encode(string path)
        {
            string b64 = Convert.ToBase64String(File.ReadAllBytes(path), wrapped ? Base64FormattingOptions.InsertLineBreaks : Base64FormattingOptions.None).Replace("\r\n", "\n");
            Assert.Equal(wrapped, b64.Contains('\n'));
            return b64;
        }

        var loaded = _engine.RunOk("Get-SaleschatClientCertificate -Pem $c -KeyPem $k", ("c", Encode(cert)), ("k", Encode(key))).Single();
        Assert.Equal(thumbprint, loaded.Properties["Thumbprint"].Value);
        Assert.True((bool)loaded.Properties["HasPrivateKey"].Value);
    }

    [Fact]
    public void Reads_a_PEM_bundle_holding_certificate_and_key()
    {
        using var dir = new TempFolder();
        var (key, cert, thumbprint) = Pair(dir);
        string bundle = File.ReadAllText(cert) + File.ReadAllText(key);

        var fromText = _engine.RunOk("Get-SaleschatClientCertificate -Pem $b", ("b", bundle)).Single();
        Assert.Equal(thumbprint, fromText.Properties["Thumbprint"].Value);
        Assert.True((bool)fromText.Properties["HasPrivateKey"].Value);

        string file = dir.File("bundle.pem");
        File.WriteAllText(file, bundle);
        var fromFile = _engine.RunOk("Get-SaleschatClientCertificate -Path $f", ("f", file)).Single();
        Assert.True((bool)fromFile.Properties["HasPrivateKey"].Value);
    }

    [Fact]
    public void Reads_a_DER_certificate_file()
    {
        using var dir = new TempFolder();
        var (key, cert, thumbprint) = Pair(dir);
        string der = dir.File("c.der");
        OpenSsl.Ok(dir.Path, "x509", "-in", cert, "-outform", "DER", "-out", der);
        var loaded = _engine.RunOk("Get-SaleschatClientCertificate -Path $d -KeyPath $k", ("d", der), ("k", key)).Single();
        Assert.Equal(thumbprint, loaded.Properties["Thumbprint"].Value);
        Assert.True((bool)loaded.Properties["HasPrivateKey"].Value);
    }

    [Fact]
    public void An_expired_certificate_is_output_with_its_own_error()
    {
        using var dir = new TempFolder();
        var (_, cert) = CorePairs.IssuedAt(dir, DateTime.UtcNow.AddYears(-2));

        var result = _engine.Run("Get-SaleschatClientCertificate -Path $c", ("c", cert));

        var error = Assert.Single(result.Errors);
        Assert.Equal("CertificateExpired,Saleschat.Mtls.Cmdlets.GetSaleschatClientCertificateCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.IsType<X509Certificate2>(error.TargetObject);
        Assert.Contains("expired", error.Exception.Message);
        var output = Assert.Single(result.Output);
        Assert.True((int)output.Properties["DaysUntilExpiry"].Value < 0);

        // -ErrorAction Stop halts a runbook on it.
        var stopped = _engine.Run("try { Get-SaleschatClientCertificate -Path $c -ErrorAction Stop; 'went on' } catch { 'stopped: ' + $_.FullyQualifiedErrorId }", ("c", cert));
        Assert.Equal("stopped: CertificateExpired,Saleschat.Mtls.Cmdlets.GetSaleschatClientCertificateCommand", stopped.Output.Single().ToString());
    }

    [Fact]
    public void A_not_yet_valid_certificate_warns()
    {
        using var dir = new TempFolder();
        var (_, cert) = CorePairs.IssuedAt(dir, DateTime.UtcNow.AddDays(3));
        var result = _engine.Run("Get-SaleschatClientCertificate -Path $c", ("c", cert));
        Assert.Empty(result.Errors);
        Assert.Single(result.Output);
        Assert.Contains(result.Warnings, w => w.Contains("not valid before"));
    }

    [Fact]
    public void Path_binds_from_the_pipeline_by_property_name()
    {
        using var dir = new TempFolder();
        var (_, cert, thumbprint) = Pair(dir);
        var loaded = _engine.RunOk("[IO.FileInfo]::new($c) | Get-SaleschatClientCertificate", ("c", cert)).Single();
        Assert.Equal(thumbprint, loaded.Properties["Thumbprint"].Value);
    }
}
