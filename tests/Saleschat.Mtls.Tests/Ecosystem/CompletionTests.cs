using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Ecosystem;

/// <summary>Tab completion, asked of the engine exactly as a console asks it.</summary>
public sealed class CompletionTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private string[] Complete(string line) =>
        fixture.Engine.RunOk("[System.Management.Automation.CommandCompletion]::CompleteInput($l, $l.Length, $null).CompletionMatches | ForEach-Object { $_.CompletionText }", ("l", line))
            .Select(o => o.ToString()).ToArray();

    [Fact]
    public void Environment_completes()
    {
        Assert.Equal(new[] { "UAT" }, Complete("New-SaleschatSession -Environment U"));
        Assert.Contains("Production", Complete("New-SaleschatSession -Environment "));
    }

    [Fact]
    public void Invoke_Path_completes_the_documented_api_paths()
    {
        Assert.Equal(new[] { "'/v2/org/{orgId}/contact'" }, Complete("Invoke-SaleschatMtlsRequest -Path /v2"));
        Assert.Contains("'/v4/orgs/{orgId}/mtls/hello'", Complete("Invoke-SaleschatMtlsRequest "));
    }

    [Fact]
    public void Thumbprints_complete_from_the_store()
    {
        using var dir = new TempFolder();
        var (_, certPath) = CorePairs.IssuedAt(dir, DateTime.UtcNow.AddMinutes(-5), "completion");
        using var entry = new StoreEntry(X509Certificate2.CreateFromPem(File.ReadAllText(certPath)));
        string thumbprint = entry.Certificate.Thumbprint;
        Assert.Contains(thumbprint, Complete("Get-SaleschatClientCertificate -Thumbprint " + thumbprint[..6]));
        Assert.Contains(thumbprint, Complete("New-SaleschatSession -CertificateThumbprint " + thumbprint[..6]));
    }
}
