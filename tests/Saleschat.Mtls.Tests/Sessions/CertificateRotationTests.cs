using System.Management.Automation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Rotation;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Sessions;

public sealed class CertificateRotationTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string CompleteCmdlet = "Saleschat.Mtls.Cmdlets.CompleteSaleschatCertificateRotationCommand";
    private readonly Engine _engine = fixture.Engine;

    /// <summary>A fresh current pair, uploaded, and a default session using it.</summary>
    private (TempFolder Dir, string Crt, string Key) CurrentPair(string password = "")
    {
        var dir = new TempFolder();
        string crt = dir.File("client.crt"), key = dir.File("client.key");
        var pw = password.Length > 0 ? TestSecrets.Secure(password) : null;
        var cert = _engine.RunOk("New-SaleschatClientKey -Path $k -Password $pw | Out-Null; New-SaleschatClientCertificate -KeyPath $k -KeyPassword $pw -Organization Acme -Path $c",
            ("k", key), ("c", crt), ("pw", pw)).Single();
        fixture.Emulator.Upload((X509Certificate2)cert.BaseObject);
        _engine.RunOk("New-SaleschatSession -BaseUri $uri -OrgId org-1 -ApiKey $api -CertificatePath $c -KeyPath $k -KeyPassword $pw -ServerCertificateAuthority $ca -RetryIntervalSec 0 | Out-Null",
            ("uri", fixture.Emulator.BaseUri), ("api", TestSecrets.Secure(EmulatorFixture.ApiKey)), ("c", crt), ("k", key), ("pw", pw), ("ca", fixture.Emulator.CaCertificate));
        return (dir, crt, key);
    }

    private static Dictionary<string, string> Snapshot(TempFolder dir) =>
        dir.Names().ToDictionary(n => n, n => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(dir.File(n)))));

    private static string Thumbprint(string certificatePath) => X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath)).Thumbprint;

    private static void AssertOwnerOnly(string path) =>
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

    private void AssertPromoted(TempFolder dir, string crt, string key, string oldThumbprint, string newThumbprint, System.Security.SecureString? password = null)
    {
        Assert.Equal(new[] { "client.crt", "client.key", "client.previous.crt", "client.previous.key" }, dir.Names());
        Assert.Equal(newThumbprint, Thumbprint(crt));
        Assert.Equal(oldThumbprint, Thumbprint(dir.File("client.previous.crt")));
        AssertOwnerOnly(key);
        AssertOwnerOnly(dir.File("client.previous.key"));
        // Each pair on disk is a matching, working key and certificate.
        _engine.RunOk("Get-SaleschatClientCertificate $c -KeyPath $k -KeyPassword $pw | Out-Null; Get-SaleschatClientCertificate $pc -KeyPath $pk -KeyPassword $pw | Out-Null",
            ("c", crt), ("k", key), ("pc", dir.File("client.previous.crt")), ("pk", dir.File("client.previous.key")), ("pw", password));
    }

    [Fact]
    public void Start_makes_one_pending_pair_beside_the_current_one_and_a_rerun_returns_it()
    {
        var (dir, crt, key) = CurrentPair();
        using var _ = dir;

        var first = _engine.RunOk("Start-SaleschatCertificateRotation -CertificatePath $c -KeyPath $k", ("c", crt), ("k", key)).Single();
        byte[] nextKey = File.ReadAllBytes(dir.File("client.next.key"));
        var second = _engine.RunOk("Start-SaleschatCertificateRotation -CertificatePath $c -KeyPath $k", ("c", crt), ("k", key)).Single();

        Assert.Equal("Pending", first.Properties["State"].Value.ToString());
        var next = (X509Certificate2)first.Properties["NextCertificate"].Value;
        var current = (X509Certificate2)first.Properties["CurrentCertificate"].Value;
        Assert.Equal(current.Subject, next.Subject);
        Assert.NotEqual(current.Thumbprint, next.Thumbprint);
        Assert.Equal(next.Thumbprint, ((X509Certificate2)second.Properties["NextCertificate"].Value).Thumbprint);
        Assert.Equal(nextKey, File.ReadAllBytes(dir.File("client.next.key")));
        Assert.Equal(File.ReadAllText(dir.File("client.next.crt")), first.Properties["Pem"].Value);
        Assert.Contains("Settings > mTLS", (string)first.Properties["NextStep"].Value);
        AssertOwnerOnly(dir.File("client.next.key"));
        Assert.Equal(new[] { "client.crt", "client.key", "client.next.crt", "client.next.key" }, dir.Names());
    }

    [Fact]
    public void Complete_before_the_upload_fails_and_moves_nothing()
    {
        var (dir, crt, key) = CurrentPair();
        using var _ = dir;
        _engine.RunOk("Start-SaleschatCertificateRotation -CertificatePath $c -KeyPath $k | Out-Null", ("c", crt), ("k", key));
        var before = Snapshot(dir);

        var result = _engine.Run("Complete-SaleschatCertificateRotation -CertificatePath $c -KeyPath $k", ("c", crt), ("k", key));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"NextCertificateNotAccepted,{CompleteCmdlet}", error.FullyQualifiedErrorId);
        Assert.Contains("Upload", error.Exception.Message);
        Assert.Equal(before, Snapshot(dir));
        Assert.True((bool)_engine.RunOk("Test-SaleschatMtls -Quiet").Single().BaseObject);
    }

    [Fact]
    public async Task Start_upload_complete_switches_the_session_with_no_failed_call()
    {
        var (dir, crt, key) = CurrentPair("Rotate-Me-42");
        using var _ = dir;
        var pw = TestSecrets.Secure("Rotate-Me-42");
        string oldThumbprint = Thumbprint(crt);
        var rotation = _engine.RunOk("Start-SaleschatCertificateRotation -CertificatePath $c -KeyPath $k -KeyPassword $pw", ("c", crt), ("k", key), ("pw", pw)).Single();
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", File.ReadAllText(dir.File("client.next.key")));
        fixture.Emulator.Upload((string)rotation.Properties["Pem"].Value);

        // Another runspace keeps calling through the same session while the rotation completes.
        var session = _engine.RunOk("$s = Test-SaleschatMtls; [Saleschat.Mtls.Sessions.DefaultSession]::Current").Single();
        using var caller = new Engine();
        using var stop = new CancellationTokenSource();
        var calls = Task.Run(() => caller.Run(
            "$ok = 0; $failed = 0; $deadline = [DateTime]::UtcNow.AddSeconds(20); while (-not $stop.IsCancellationRequested -and [DateTime]::UtcNow -lt $deadline) { " +
            "try { Invoke-SaleschatMtlsRequest -Session $s '/__faults/text' -ErrorAction Stop | Out-Null; $ok++ } catch { $failed++ } }; $ok; $failed",
            ("s", session), ("stop", stop.Token)));
        Thread.Sleep(300);

        var completed = _engine.RunOk("Complete-SaleschatCertificateRotation -CertificatePath $c -KeyPath $k -KeyPassword $pw", ("c", crt), ("k", key), ("pw", pw)).Single();
        Thread.Sleep(300);
        stop.Cancel();
        var counts = (await calls).Output.Select(o => (int)o.BaseObject).ToArray();

        Assert.Equal("Completed", completed.Properties["State"].Value.ToString());
        string newThumbprint = ((X509Certificate2)completed.Properties["CurrentCertificate"].Value).Thumbprint;
        AssertPromoted(dir, crt, key, oldThumbprint, newThumbprint, pw);
        Assert.True(counts[0] > 0, "the caller made calls");
        Assert.Equal(0, counts[1]);
        Assert.Equal(newThumbprint, _engine.RunOk("[Saleschat.Mtls.Sessions.DefaultSession]::Current.Thumbprint").Single().BaseObject);
        Assert.Equal(newThumbprint, _engine.RunOk("(Test-SaleschatMtls).Thumbprint").Single().BaseObject);
    }

    [Theory]
    [InlineData("previous")]
    [InlineData("key")]
    [InlineData("certificate")]
    [InlineData("cleanup")]
    public void A_completion_killed_between_two_moves_is_finished_by_a_rerun(string crashAfter)
    {
        var (dir, crt, key) = CurrentPair();
        using var _ = dir;
        string oldThumbprint = Thumbprint(crt);
        var rotation = _engine.RunOk("Start-SaleschatCertificateRotation -CertificatePath $c -KeyPath $k", ("c", crt), ("k", key)).Single();
        fixture.Emulator.Upload((string)rotation.Properties["Pem"].Value);
        string newThumbprint = ((X509Certificate2)rotation.Properties["NextCertificate"].Value).Thumbprint;

        // The proof passed; the process dies after one of the promotion's steps.
        var crashing = new RotationService(afterStep: step => { if (step == crashAfter) throw new IOException("simulated crash"); });
        Assert.Throws<IOException>(() => crashing.Promote(new RotationPaths(crt, key), null));
        Assert.True(File.Exists(dir.File("client.rotation")));

        if (crashAfter == "key")
        {
            // The one moment the pair on disk does not match: loading it says how to finish.
            var mismatch = Assert.Single(_engine.Run("Get-SaleschatClientCertificate $c -KeyPath $k", ("c", crt), ("k", key)).Errors);
            Assert.StartsWith("CertificateKeyMismatch,", mismatch.FullyQualifiedErrorId);
            Assert.Contains("Complete-SaleschatCertificateRotation", mismatch.Exception.Message);
        }

        var blocked = _engine.Run("Start-SaleschatCertificateRotation -CertificatePath $c -KeyPath $k", ("c", crt), ("k", key));
        Assert.Equal("RotationInProgress,Saleschat.Mtls.Cmdlets.StartSaleschatCertificateRotationCommand", Assert.Single(blocked.Errors).FullyQualifiedErrorId);

        var rerun = _engine.Run("Complete-SaleschatCertificateRotation -CertificatePath $c -KeyPath $k", ("c", crt), ("k", key));

        Assert.Empty(rerun.Errors);
        Assert.Contains(rerun.Warnings, w => w.Contains("interrupted"));
        AssertPromoted(dir, crt, key, oldThumbprint, newThumbprint);
        Assert.True((bool)_engine.RunOk("Test-SaleschatMtls -Quiet").Single().BaseObject);
    }

    [Fact]
    public void WhatIf_shows_the_moves_and_changes_nothing()
    {
        var (dir, crt, key) = CurrentPair();
        using var _ = dir;
        var rotation = _engine.RunOk("Start-SaleschatCertificateRotation -CertificatePath $c -KeyPath $k", ("c", crt), ("k", key)).Single();
        fixture.Emulator.Upload((string)rotation.Properties["Pem"].Value);
        var before = Snapshot(dir);

        var result = _engine.Run("Complete-SaleschatCertificateRotation -CertificatePath $c -KeyPath $k -WhatIf", ("c", crt), ("k", key));

        Assert.Empty(result.Errors);
        Assert.Contains("client.previous.crt", _engine.HostOutput);
        Assert.Equal(before, Snapshot(dir));
    }

    [Fact]
    public void Complete_without_a_pending_rotation_says_to_start_one()
    {
        var (dir, crt, key) = CurrentPair();
        using var _ = dir;
        var error = Assert.Single(_engine.Run("Complete-SaleschatCertificateRotation -CertificatePath $c -KeyPath $k", ("c", crt), ("k", key)).Errors);
        Assert.Equal($"NoPendingRotation,{CompleteCmdlet}", error.FullyQualifiedErrorId);
        Assert.Contains("Start-SaleschatCertificateRotation", error.Exception.Message);
    }
}
