using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Host;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Ecosystem;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    /// <summary>Tests that set SALESCHAT_* variables of the whole test process run alone.</summary>
    public const string Name = "Process environment variables";
}

/// <summary>The recipes in examples/, run as their users run them, against the emulator.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ExampleRecipesTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly string Examples = Path.Combine(ModuleLocator.RepositoryRoot(), "examples");
    private readonly Engine _engine = fixture.Engine;

    private (int ExitCode, IReadOnlyList<PSObject> Output, ScriptResult Result) RunScript(string relative, string arguments, params (string, object?)[] variables)
    {
        var all = variables.Append(("script", Path.Combine(Examples, relative))).Append(("uri", fixture.Emulator.BaseUri)).Append(("ca", fixture.Emulator.CaCertificate)).ToArray();
        var result = _engine.Run($"$global:LASTEXITCODE = 0; & $script {arguments}; \"exit=$global:LASTEXITCODE\"", all);
        var exit = result.Output.Last().ToString();
        Assert.StartsWith("exit=", exit);
        return (int.Parse(exit["exit=".Length..]), result.Output.Take(result.Output.Count - 1).ToList(), result);
    }

    private static void WithEnvironment(Dictionary<string, string?> variables, Action test)
    {
        var saved = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
            test();
        }
        finally
        {
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
    }

    private Dictionary<string, string?> CiSecrets(string certificatePath, string keyPath) => new()
    {
        ["SALESCHAT_CLIENT_CERT"] = File.ReadAllText(certificatePath),
        ["SALESCHAT_CLIENT_KEY"] = Convert.ToBase64String(File.ReadAllBytes(keyPath)),
        ["SALESCHAT_ORG_ID"] = "org-1",
        ["SALESCHAT_API_KEY"] = EmulatorFixture.ApiKey,
    };

    [Fact]
    public void The_CI_gate_passes_a_good_certificate_and_fails_the_job_otherwise()
    {
        WithEnvironment(CiSecrets(fixture.CertificatePath, fixture.KeyPath), () =>
        {
            var ok = RunScript("ci/Test-SaleschatCi.ps1", "-BaseUri $uri -ServerCertificateAuthority $ca -MinimumDaysValid 30");
            Assert.True(ok.ExitCode == 0, string.Join("\n", ok.Result.Errors));
            Assert.Contains(ok.Output, o => o.ToString().StartsWith("Saleschat mTLS OK"));

            var expiring = RunScript("ci/Test-SaleschatCi.ps1", "-BaseUri $uri -ServerCertificateAuthority $ca -MinimumDaysValid 400");
            Assert.Equal(1, expiring.ExitCode);
            Assert.Contains(expiring.Output, o => o.ToString().StartsWith("::error::") && o.ToString().Contains("MinimumDaysValid"));
            Assert.DoesNotContain(EmulatorFixture.ApiKey, _engine.EverythingVisible(expiring.Result));
        });

        using var dir = new TempFolder();
        _engine.RunOk("New-SaleschatClientKey -Path $k | New-SaleschatClientCertificate -Organization NotUploaded -Path $c | Out-Null", ("k", dir.File("n.key")), ("c", dir.File("n.crt")));
        WithEnvironment(CiSecrets(dir.File("n.crt"), dir.File("n.key")), () =>
        {
            var refused = RunScript("ci/Test-SaleschatCi.ps1", "-BaseUri $uri -ServerCertificateAuthority $ca");
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains(refused.Output, o => o.ToString().Contains("ClientCertificateRefused"));
        });
    }

    [Theory]
    [InlineData("ci/github-actions.yml")]
    [InlineData("ci/azure-pipelines.yml")]
    public void The_pipeline_definitions_call_the_gate_with_the_secrets_it_reads(string file)
    {
        string text = File.ReadAllText(Path.Combine(Examples, file));
        Assert.Contains("./examples/ci/Test-SaleschatCi.ps1", text);
        foreach (string variable in new[] { "SALESCHAT_CLIENT_CERT", "SALESCHAT_CLIENT_KEY", "SALESCHAT_ORG_ID", "SALESCHAT_API_KEY" })
        {
            Assert.Contains(variable, text);
        }
    }

    [Fact]
    public void The_runbook_loads_the_certificate_from_the_store_and_calls_the_api()
    {
        var cert = (X509Certificate2)_engine.RunOk("Get-SaleschatClientCertificate $c -KeyPath $k", ("c", fixture.CertificatePath), ("k", fixture.KeyPath)).Single().BaseObject;
        using var entry = new StoreEntry(cert);
        var run = RunScript("runbooks/Invoke-SaleschatRunbook.ps1", "-CertificateThumbprint $t -OrgId org-1 -ApiKey $key -BaseUri $uri -ServerCertificateAuthority $ca",
            ("t", cert.Thumbprint), ("key", TestSecrets.Secure(EmulatorFixture.ApiKey)));
        Assert.Empty(run.Result.Errors);
        var report = run.Output.Single();
        Assert.Equal("org-1", report.Properties["OrgId"].Value);
        Assert.True((int)report.Properties["Contacts"].Value >= 0);
    }

    [Fact]
    public void The_bulk_import_sends_every_row_and_reports_the_failed_ones()
    {
        fixture.NewSession();
        using var dir = new TempFolder();
        string prefix = "+33" + Random.Shared.Next(100_000, 999_999);
        string csv = dir.File("contacts.csv");
        File.WriteAllText(csv, $"Name,Phone\nAda,{prefix}1\nBo,{prefix}2\nCy,{prefix}3\nDup,{prefix}1\nEd,{prefix}5\n");
        // The hosted engine has no Utility module: a minimal Import-Csv stands in for the real one.
        _engine.RunOk("function global:Import-Csv([string]$Path) { $lines = [IO.File]::ReadAllLines($Path); $names = $lines[0].Split(','); " +
                      "foreach ($line in $lines[1..($lines.Length - 1)]) { $values = $line.Split(','); $row = [ordered]@{}; for ($i = 0; $i -lt $names.Length; $i++) { $row[$names[$i]] = $values[$i] }; [pscustomobject]$row } }");

        var run = RunScript("Import-SaleschatContacts.ps1", "-Path $csv", ("csv", csv));

        var report = run.Output.Single();
        Assert.Equal(4, (int)report.Properties["Created"].Value);
        Assert.Equal(1, (int)report.Properties["Failed"].Value);
        Assert.Equal(new object[] { "409 UQ_CONSTRAINT_FAILED" }, (object[])report.Properties["Errors"].Value);
    }

    [Fact]
    public void The_expiry_watch_starts_a_rotation_waits_for_the_upload_and_completes_it()
    {
        using var dir = new TempFolder();
        string crt = dir.File("client.crt"), key = dir.File("client.key");
        var current = (X509Certificate2)_engine.RunOk("New-SaleschatClientKey -Path $k | New-SaleschatClientCertificate -Organization Acme -ValidityDays 10 -Path $c",
            ("k", key), ("c", crt)).Single().BaseObject;
        fixture.Emulator.Upload(current);
        const string args = "-CertificatePath $c -KeyPath $k -OrgId org-1 -BaseUri $uri -ServerCertificateAuthority $ca";

        var started = RunScript("runbooks/Watch-SaleschatCertificateExpiry.ps1", args, ("c", crt), ("k", key));
        Assert.Equal(1, started.ExitCode);
        Assert.Equal("RotationStarted", started.Output.Single().Properties["Action"].Value);
        string pem = (string)started.Output.Single().Properties["Pem"].Value;

        var waiting = RunScript("runbooks/Watch-SaleschatCertificateExpiry.ps1", args, ("c", crt), ("k", key));
        Assert.Equal(1, waiting.ExitCode);
        Assert.Equal("AwaitingUpload", waiting.Output.Single().Properties["Action"].Value);
        Assert.Equal(pem, waiting.Output.Single().Properties["Pem"].Value);

        fixture.Emulator.Upload(pem);
        var completed = RunScript("runbooks/Watch-SaleschatCertificateExpiry.ps1", args, ("c", crt), ("k", key));
        Assert.True(completed.ExitCode == 0, string.Join("\n", completed.Result.Errors));
        Assert.Equal("RotationCompleted", completed.Output.Single().Properties["Action"].Value);
        Assert.InRange((int)completed.Output.Single().Properties["DaysUntilExpiry"].Value, 364, 365);

        var quiet = RunScript("runbooks/Watch-SaleschatCertificateExpiry.ps1", args, ("c", crt), ("k", key));
        Assert.Equal(0, quiet.ExitCode);
        Assert.Equal("None", quiet.Output.Single().Properties["Action"].Value);
    }
}
