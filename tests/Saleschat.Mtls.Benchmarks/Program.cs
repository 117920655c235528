using System.Diagnostics;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// <c>dotnet run --project tests/Saleschat.Mtls.Benchmarks -c Release -- [--quick] [options] --out out/bench</c>
/// (or <c>./build.ps1 -Task Bench [-Quick]</c>): every contender of issue #12, each in a child
/// <c>pwsh -NoProfile -File</c> of the pinned pwsh, against the emulator and Debian's nginx; a table on stdout,
/// bench.md and bench.json under --out. Exit code 0 even when a target fails (the table says which); 2 for bad
/// options, 1 for a broken run.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"{ex.Message}\n{BenchOptions.Usage}");
            return 2;
        }

        var total = Stopwatch.StartNew();
        void Progress(string line) => Console.Error.WriteLine($"[{total.Elapsed:mm\\:ss}] {line}");
        string loadBefore = LoadAverage();
        var report = new Report();
        await using (BenchContext context = await BenchContext.StartAsync(options))
        {
            Progress($"pwsh {context.Pwsh.Dll}; module {context.Module}");
            Progress($"emulators at {context.Http2.BaseUri} (HTTP/2) and {context.Http1.BaseUri} (HTTP/1.1 only); nginx at {context.Nginx.Http2} (HTTP/2) and {context.Nginx.Http1} (HTTP/1.1)");
            new StartupBench(context, options, report).Run(Progress);
            new RequestBench(context, options, report).Run(Progress);
            new MemoryBench(context, options, report).Run(Progress);
        }

        Targets.Judge(report, options);
        string machine = Machine(options, total.Elapsed, loadBefore, LoadAverage());
        Console.WriteLine(report.Table(machine));
        Directory.CreateDirectory(options.Out);
        await File.WriteAllTextAsync(Path.Combine(options.Out, "bench.md"), report.Markdown(machine));
        await File.WriteAllTextAsync(Path.Combine(options.Out, "bench.json"), report.Json(machine, options));
        Console.WriteLine($"Written {Path.GetFullPath(Path.Combine(options.Out, "bench.md"))} and bench.json");
        return 0;
    }

    /// <summary>The 1-minute load average (Linux), to say how busy the shared machine was.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static string Machine(BenchOptions options, TimeSpan elapsed, string loadBefore, string loadAfter) =>
        $"real pwsh (dotnet pwsh.dll -NoProfile, child processes); {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes >> 30} GiB, " +
        $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}; load average {loadBefore} at start, {loadAfter} at end; " +
        $"rounds={options.Rounds}, cold={options.Cold}, warm-up={options.Warmup}, warm={options.Warm}, curl per call={options.ProcessN}, one curl={options.CurlN}, " +
        $"throttle={options.Concurrency}, piped items={options.Items}, -OutFile={options.OutFileBytes >> 20} MiB{(options.SharedChild ? ", shared child per server" : "")}{(options.Quick ? ", QUICK" : "")}; took {elapsed.TotalSeconds:0} s";
}
