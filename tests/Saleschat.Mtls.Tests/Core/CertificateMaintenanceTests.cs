using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Keys;
using Saleschat.Mtls.Rotation;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>The scheduled step's states, with the clock and the hello call under the test's control.</summary>
public sealed class CertificateMaintenanceTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly RotationPaths _paths;
    private DateTime _now = DateTime.UtcNow;
    private int _proofs;

    public CertificateMaintenanceTests()
    {
        _paths = new RotationPaths(_folder.File("client.crt"), _folder.File("client.key"));
        var key = RsaKeyGenerator.Generate(2048);
        ClientKeyFactory.WriteKeyFile(key, _paths.KeyPath, null, overwrite: false);
        ClientCertificateFactory.Create(key, CertificateSubject.Parse("/O=Acme/CN=Acme-saleschat-mtls"), 10, _paths.CertificatePath, overwrite: false).Dispose();
    }

    public void Dispose() => _folder.Dispose();

    private CertificateMaintenanceResult Run(int renewBeforeDays, MtlsDiagnosis answer = MtlsDiagnosis.ClientCertificateRefused) =>
        new CertificateMaintenance(utcNow: () => _now).Run(_paths, null, renewBeforeDays, next =>
        {
            _proofs++;
            return new MtlsTestResult { Diagnosis = answer, Thumbprint = next.Thumbprint };
        });

    [Fact]
    public void Outside_the_window_nothing_is_done_and_nothing_is_asked()
    {
        CertificateMaintenanceResult result = Run(renewBeforeDays: 5);

        Assert.Equal(CertificateMaintenanceState.NothingToDo, result.State);
        Assert.InRange(result.DaysUntilExpiry, 9, 10); // the builder rounds NotAfter
        Assert.Null(result.UploadFile);
        Assert.Empty(result.PersonLines());
        Assert.Equal(0, _proofs);
        Assert.Equal(new[] { "client.crt", "client.key" }, _folder.Names());
    }

    [Fact]
    public void Inside_the_window_it_starts_then_waits_then_promotes_then_rests()
    {
        string old = Thumbprint(_paths.CertificatePath);
        CertificateMaintenanceResult started = Run(renewBeforeDays: 30);
        Assert.Equal(CertificateMaintenanceState.ActionRequired, started.State);
        Assert.Equal(_paths.NextCertificatePath, started.UploadFile);
        Assert.Equal(File.ReadAllText(_paths.NextCertificatePath), started.Pem);
        Assert.Equal(0, _proofs);

        // The lines a person copies: none longer than a PEM line, the PEM whole, the command to run afterwards.
        string[] lines = started.PersonLines();
        string pem = string.Join("\n", lines.SkipWhile(l => l != "-----BEGIN CERTIFICATE-----").TakeWhile(l => l != "-----END CERTIFICATE-----")) + "\n-----END CERTIFICATE-----\n";
        Assert.Equal(started.NextThumbprint, X509Certificate2.CreateFromPem(pem).Thumbprint);
        Assert.All(lines.SkipWhile(l => !l.StartsWith("-----BEGIN")).TakeWhile(l => !l.StartsWith("-----END")), l => Assert.True(l.Length <= 64));
        Assert.Contains(started.NextCommand, lines);

        CertificateMaintenanceResult waiting = Run(renewBeforeDays: 30);
        Assert.Equal(CertificateMaintenanceState.WaitingForUpload, waiting.State);
        Assert.Equal("ClientCertificateRefused", waiting.ProofDiagnosis);
        Assert.Equal(started.NextThumbprint, waiting.NextThumbprint);
        Assert.Equal(old, waiting.Thumbprint);

        CertificateMaintenanceResult completed = Run(renewBeforeDays: 30, MtlsDiagnosis.Success);
        Assert.Equal(CertificateMaintenanceState.Completed, completed.State);
        Assert.Equal(started.NextThumbprint, completed.Thumbprint);
        Assert.Equal(old, completed.PreviousThumbprint);
        Assert.Equal(started.NextThumbprint, Thumbprint(_paths.CertificatePath));
        Assert.Equal(new[] { "client.crt", "client.key", "client.previous.crt", "client.previous.key" }, _folder.Names());

        Assert.Equal(CertificateMaintenanceState.NothingToDo, Run(renewBeforeDays: 30).State);
    }

    [Theory]
    [InlineData(11 * 24, "EXPIRED")] // a day after NotAfter
    [InlineData(10 * 24 - 12, "EXPIRES SOON")] // twelve hours left, nothing accepted
    public void Expired_or_about_to_with_nothing_accepted_is_Expired_and_still_gives_the_file_to_upload(int hoursFromNow, string said)
    {
        _now = _now.AddHours(hoursFromNow);

        CertificateMaintenanceResult result = Run(renewBeforeDays: 30);

        Assert.Equal(CertificateMaintenanceState.Expired, result.State);
        Assert.StartsWith(said, result.NextStep);
        Assert.True(File.Exists(result.UploadFile));
        Assert.Equal(CertificateMaintenanceState.Expired, Run(renewBeforeDays: 30).State);
    }

    [Fact]
    public void Another_run_holding_the_pair_makes_this_one_only_look()
    {
        using (RotationLock.Acquire(_paths))
        {
            CertificateMaintenanceResult result = Run(renewBeforeDays: 30);
            Assert.True(result.Locked);
            Assert.Equal(CertificateMaintenanceState.ActionRequired, result.State);
            Assert.StartsWith("Locked:", result.NextStep);
        }

        Assert.Equal(new[] { "client.crt", "client.key" }, _folder.Names());
        Assert.False(Run(renewBeforeDays: 30).Locked);
    }

    [Fact]
    public void The_JSON_is_one_line_with_the_state_as_text_and_no_key()
    {
        string json = Run(renewBeforeDays: 30).ToJson();

        Assert.DoesNotContain('\n', json);
        Assert.StartsWith("{\"State\":\"ActionRequired\",\"Locked\":false,", json);
        Assert.Contains("-----BEGIN CERTIFICATE-----\\n", json);
        Assert.DoesNotContain("PRIVATE KEY", json);
    }

    [Theory]
    [InlineData(365 * 24 * 60, 23 * 60, true)] // a year's certificate: under a day left
    [InlineData(365 * 24 * 60, 25 * 60, false)]
    [InlineData(10, 0.5, true)] // ten minutes' certificate: under a minute left
    [InlineData(10, 2, false)]
    public void About_to_expire_is_under_a_day_or_a_tenth_of_a_short_lifetime(int lifetimeMinutes, double leftMinutes, bool expected)
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new CertificateRequest("CN=x", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        DateTimeOffset notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        using X509Certificate2 certificate = request.CreateSelfSigned(notBefore, notBefore.AddMinutes(lifetimeMinutes));
        DateTime now = certificate.NotAfter.ToUniversalTime().AddMinutes(-leftMinutes);

        Assert.Equal(expected, CertificateMaintenance.IsAboutToExpire(certificate, now));
    }

    private static string Thumbprint(string path) => X509Certificate2.CreateFromPem(File.ReadAllText(path)).Thumbprint;
}
