using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Cmdlets;

/// <summary>The OS store (CurrentUser\My): on Linux .NET keeps it under ~/.dotnet; the test certificate is always removed.</summary>
public sealed class CertificateStoreTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly Engine _engine = fixture.Engine;

    [Fact]
    public void Finds_a_certificate_by_thumbprint_as_people_paste_it()
    {
        using var dir = new TempFolder();
        var (_, certPath) = CorePairs.IssuedAt(dir, DateTime.UtcNow.AddMinutes(-5), "store");
        var entry = new StoreEntry(X509Certificate2.CreateFromPem(File.ReadAllText(certPath)));
        try
        {
            string t = entry.Certificate.Thumbprint;
            string spaced = string.Join(' ', Enumerable.Range(0, t.Length / 2).Select(i => t.Substring(i * 2, 2)));
            string coloned = spaced.Replace(' ', ':').ToLowerInvariant();
            foreach (string form in new[] { t, t.ToLowerInvariant(), spaced, coloned, "\u200e" + t })
            {
                var found = _engine.RunOk("Get-SaleschatClientCertificate -Thumbprint $t", ("t", form)).Single();
                Assert.Equal(t, found.Properties["Thumbprint"].Value);
                Assert.InRange((int)found.Properties["DaysUntilExpiry"].Value, 364, 365);
            }
        }
        finally
        {
            entry.Dispose();
        }

        using var check = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        check.Open(OpenFlags.ReadOnly);
        Assert.Empty(check.Certificates.Find(X509FindType.FindByThumbprint, entry.Certificate.Thumbprint, false));
    }

    [Fact]
    public void An_unknown_thumbprint_is_not_found_in_the_store()
    {
        string unknown = new string('A', 40);
        var result = _engine.Run("Get-SaleschatClientCertificate -Thumbprint $t", ("t", unknown));
        var error = Assert.Single(result.Errors);
        Assert.Equal("CertificateNotFoundInStore,Saleschat.Mtls.Cmdlets.GetSaleschatClientCertificateCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(unknown, error.TargetObject);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void A_store_that_cannot_exist_here_is_not_found_either()
    {
        if (OperatingSystem.IsWindows()) return; // Unix LocalMachine holds only Root and CertificateAuthority.
        var result = _engine.Run("Get-SaleschatClientCertificate -Thumbprint $t -StoreLocation LocalMachine", ("t", new string('B', 40)));
        var error = Assert.Single(result.Errors);
        Assert.Equal("CertificateNotFoundInStore,Saleschat.Mtls.Cmdlets.GetSaleschatClientCertificateCommand", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void A_fresh_account_without_a_store_gets_not_found()
    {
        // A new Linux user (a CI runner) has no ~/.dotnet store until something is added: run the
        // module in a process whose HOME is empty, as that runner would.
        using var home = new TempFolder();
        using var dir = new TempFolder();
        string script = dir.File("s.ps1");
        File.WriteAllText(script, "Get-SaleschatClientCertificate -Thumbprint ('C' * 40) -ErrorAction SilentlyContinue; $Error[0].FullyQualifiedErrorId");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Saleschat.Mtls.Host.dll"));
        start.ArgumentList.Add(script);
        start.Environment["HOME"] = home.Path;
        start.Environment["DOTNET_CLI_HOME"] = home.Path;
        using var process = System.Diagnostics.Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));
        Assert.Contains("CertificateNotFoundInStore,Saleschat.Mtls.Cmdlets.GetSaleschatClientCertificateCommand", output);
    }

    [Fact]
    public void Text_that_is_no_thumbprint_says_so()
    {
        var result = _engine.Run("Get-SaleschatClientCertificate -Thumbprint 'my-cert'");
        var error = Assert.Single(result.Errors);
        Assert.Equal("InvalidThumbprint,Saleschat.Mtls.Cmdlets.GetSaleschatClientCertificateCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }
}
