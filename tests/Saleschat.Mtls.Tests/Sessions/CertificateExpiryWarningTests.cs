using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Keys;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Sessions;

/// <summary>
/// A runbook's session is the place a certificate's end is noticed in time: New-SaleschatSession warns while
/// there is still time to rotate, and refuses a certificate that cannot authenticate at all.
/// </summary>
public sealed class CertificateExpiryWarningTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const string Cmdlet = "Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand";
    private const string NewSession = "New-SaleschatSession -Certificate $cert -BaseUri https://127.0.0.1:9/ -OrgId org-1 -NoDefault";
    private readonly Engine _engine = fixture.Engine;

    [Fact]
    public void A_certificate_expiring_in_10_days_gets_a_warning_naming_the_days_left()
    {
        using X509Certificate2 certificate = Certificate(validityDays: 10, issuedUtc: DateTime.UtcNow);

        var result = _engine.Run(NewSession, ("cert", certificate));

        Assert.Empty(result.Errors);
        int daysLeft = (int)result.Output.Single().Properties["DaysUntilExpiry"].Value;
        Assert.InRange(daysLeft, 9, 10); // whole days left, counted down from now
        string warning = Assert.Single(result.Warnings);
        Assert.Contains($"expires in {daysLeft} days", warning);
        Assert.Contains(certificate.Thumbprint, warning);
        Assert.Contains("Start-SaleschatCertificateRotation", warning);
    }

    [Fact]
    public void ExpiryWarningDays_lowers_the_threshold()
    {
        using X509Certificate2 certificate = Certificate(validityDays: 10, issuedUtc: DateTime.UtcNow);

        var result = _engine.Run(NewSession + " -ExpiryWarningDays 5", ("cert", certificate));

        Assert.Empty(result.Errors);
        Assert.Single(result.Output);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void An_expired_certificate_gets_a_warning_that_saleschat_will_refuse_it()
    {
        using X509Certificate2 certificate = Certificate(validityDays: 1, issuedUtc: DateTime.UtcNow.AddDays(-3));

        var result = _engine.Run(NewSession, ("cert", certificate));

        string warning = Assert.Single(result.Warnings);
        Assert.Contains("expired on", warning);
        Assert.Contains("refuse", warning);
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused()
    {
        using X509Certificate2 withKey = Certificate(validityDays: 365, issuedUtc: DateTime.UtcNow);
        using X509Certificate2 publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData); // as uploaded or exported

        var result = _engine.Run(NewSession, ("cert", publicOnly));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"CertificateHasNoPrivateKey,{Cmdlet}", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(publicOnly.Thumbprint, ((X509Certificate2)error.TargetObject).Thumbprint);
        Assert.Contains("-KeyPath", error.Exception.Message);
        Assert.Empty(result.Output);
    }

    private static X509Certificate2 Certificate(int validityDays, DateTime issuedUtc)
    {
        var key = RsaKeyGenerator.Generate(2048);
        var built = ClientCertificateBuilder.Build(key, CertificateSubject.Parse("/O=Acme/CN=Acme-saleschat-mtls"), validityDays, issuedUtc);
        return Pkcs12Bridge.ToX509Certificate2(built, key);
    }
}
