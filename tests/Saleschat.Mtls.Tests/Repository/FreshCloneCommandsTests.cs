using System.Diagnostics;
using Saleschat.Mtls.Host;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Repository;

/// <summary>The commands README.md promises for a fresh clone, and build.ps1, run as a user would.</summary>
public sealed class FreshCloneCommandsTests
{
    private static readonly string Root = ModuleLocator.RepositoryRoot();

    [Fact]
    public void The_readme_main_job_runs_the_documented_flow_offline()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        Assert.Contains("dotnet run --project tests/Saleschat.Mtls.Host -c Release -- examples/Quickstart.ps1 --emulator", readme);
        const string TestCommand = "dotnet tool restore && dotnet tool run pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Test";
        Assert.Contains(TestCommand, readme);
        Assert.Contains(TestCommand, File.ReadAllText(Path.Combine(Root, ".ci", "run")));

        // The runner built beside this test assembly, with the same arguments the README gives.
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string host = Path.Combine(Root, "tests", "Saleschat.Mtls.Host", "bin", configuration, "net10.0", "Saleschat.Mtls.Host.dll");
        var (exitCode, output) = RunProcess("dotnet", Root, host, "examples/Quickstart.ps1", "--emulator");

        Assert.True(exitCode == 0, output);
        Assert.Contains("Hello, world!", output);
        Assert.Contains("Success         : True", output);
        Assert.Contains("phone     : +9198", output); // the contact the API call created
        Assert.DoesNotContain("PRIVATE KEY", output);
    }

    [Fact]
    public void build_ps1_parses_and_its_Package_task_makes_a_valid_gallery_layout()
    {
        string script = Path.Combine(Root, "build.ps1");
        System.Management.Automation.Language.Parser.ParseFile(script, out _, out var errors);
        Assert.Empty(errors);

        using var engine = new Engine();
        var output = engine.RunOk("& $b -Task Package -NoBuild", ("b", script));
        string version = typeof(Saleschat.Mtls.SaleschatSession).Assembly.GetName().Version!.ToString(3);
        string package = Path.Combine(Root, "out", "package", "Saleschat.Mtls", version);
        Assert.Contains(output, o => o.ToString().Contains($"Packaged Saleschat.Mtls {version}"));
        foreach (string file in new[] { "Saleschat.Mtls.psd1", "Saleschat.Mtls.dll", "BouncyCastle.Cryptography.dll", "Newtonsoft.Json.dll",
                     "Saleschat.Mtls.format.ps1xml", "Saleschat.Mtls.types.ps1xml", "LICENSE", "CHANGELOG.md",
                     Path.Combine("en-US", "Saleschat.Mtls.dll-Help.xml"), Path.Combine("en-US", "about_Saleschat_Mtls.help.txt") })
        {
            Assert.True(File.Exists(Path.Combine(package, file)), file);
        }

        // The reference assembly of PowerShellStandard must never ship.
        Assert.False(File.Exists(Path.Combine(package, "System.Management.Automation.dll")));
    }

    [Fact]
    public void The_manifest_declares_both_editions_and_exports_every_cmdlet_explicitly()
    {
        using var engine = new Engine();
        var manifest = engine.RunOk("Test-ModuleManifest -Path $p", ("p", ModuleLocator.ManifestPath())).Single();
        Assert.Equal(new[] { "Desktop", "Core" }, ((IEnumerable<string>)manifest.Properties["CompatiblePSEditions"].Value).ToArray());
        Assert.Equal("5.1", manifest.Properties["PowerShellVersion"].Value.ToString());
        var exported = ((System.Collections.IDictionary)manifest.Properties["ExportedCmdlets"].Value).Keys.Cast<string>().OrderBy(n => n).ToArray();
        var implemented = typeof(Saleschat.Mtls.SaleschatSession).Assembly.GetTypes()
            .Select(t => t.GetCustomAttributes(typeof(System.Management.Automation.CmdletAttribute), false).Cast<System.Management.Automation.CmdletAttribute>().FirstOrDefault())
            .Where(a => a != null).Select(a => $"{a!.VerbName}-{a.NounName}").OrderBy(n => n).ToArray();
        Assert.Equal(implemented, exported);
    }

    private static (int, string) RunProcess(string file, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(string.Join(' ', args));
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
