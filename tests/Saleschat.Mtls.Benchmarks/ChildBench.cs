using System.Text.Json;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// What must be measured in a fresh process: Import-Module (the assembly is loaded once per process, so a second
/// import in the same process would flatter us) and peak working set while -OutFile streams a large body
/// (so neither the emulator nor earlier rounds share the number). One child process per round.
/// </summary>
public sealed class ChildBench(BenchContext context, BenchOptions options, Report report)
{
    public void Run(Action<string> progress)
    {
        BenchRow import = report.Row("import-module", "startup", "8. Import-Module in a fresh runspace (fresh process)", "ms");
        BenchRow session = report.Row("first-session", "startup", "8. first New-SaleschatSession after import", "ms");
        BenchRow first = report.Row("first-call", "startup", "8. first Invoke-SaleschatMtlsRequest after import (with its handshake)", "ms");
        BenchRow second = report.Row("second-call", "startup", "8. second Invoke-SaleschatMtlsRequest", "ms");
        var sizes = options.DownloadSizes.Select(bytes =>
            (bytes, report.Row($"outfile-peak-{bytes >> 20}MiB", "memory", $"9. peak working-set growth, -OutFile of {bytes >> 20} MiB", "MiB"))).ToList();

        var contenders = new List<(string, Action)>
        {
            ("import (child)", () =>
            {
                var result = RunChild(ChildMode.Import, []);
                import.Add(result.GetProperty("import").GetDouble());
                session.Add(result.GetProperty("session").GetDouble());
                first.Add(result.GetProperty("first").GetDouble());
                second.Add(result.GetProperty("second").GetDouble());
            }),
            ("outfile (child)", () =>
            {
                var result = RunChild(ChildMode.Memory, options.DownloadSizes.Select(b => b.ToString()));
                foreach (var (bytes, row) in sizes)
                {
                    row.Add(result.GetProperty(bytes.ToString()).GetDouble());
                }
            }),
        };
        Rounds.Interleave(options.Rounds, contenders, progress);
    }

    private JsonElement RunChild(string mode, IEnumerable<string> extra)
    {
        string dll = typeof(ChildBench).Assembly.Location;
        var environment = new Dictionary<string, string>
        {
            ["SALESCHAT_BENCH_URI"] = context.Http2.BaseUri.AbsoluteUri,
            ["SALESCHAT_BENCH_CERT"] = context.CertificatePath,
            ["SALESCHAT_BENCH_KEY"] = context.KeyPath,
            ["SALESCHAT_BENCH_CA"] = context.CaPath,
            ["SALESCHAT_BENCH_FOLDER"] = context.Folder,
            ["SALESCHAT_API_KEY"] = BenchContext.ApiKey,
            ["SALESCHAT_MTLS_MODULE"] = Saleschat.Mtls.Host.ModuleLocator.ManifestPath(),
        };
        string output = Processes.Run("dotnet", ["exec", "--runtimeconfig", RuntimeConfig(dll), dll, ChildMode.Flag, mode, .. extra], TimeSpan.FromMinutes(3), environment);
        return JsonDocument.Parse(output.Trim().Split('\n').Last()).RootElement;
    }

    /// <summary>Ours when run as the program; beside the test host's when the smoke test runs us in-process.</summary>
    private static string RuntimeConfig(string dll)
    {
        string own = Path.ChangeExtension(dll, ".runtimeconfig.json");
        return File.Exists(own)
            ? own
            : Directory.GetFiles(Path.GetDirectoryName(dll)!, "*.runtimeconfig.json").First();
    }
}
