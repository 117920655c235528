using System.Diagnostics;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// <c>dotnet run --project tests/Saleschat.Mtls.Benchmarks -c Release -- [--quick] [--n N] [--rounds R] --out out/bench</c>:
/// every contender of issue #4 on the local emulator, a table on stdout, bench.md and bench.json under --out.
/// Exit code 0 even when a target fails (the table says which); 2 for bad options, 1 for a broken run.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == ChildMode.Flag)
        {
            return ChildMode.Run(args[1..]);
        }

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
        var report = new Report();
        await using (BenchContext context = await BenchContext.StartAsync())
        {
            Progress($"emulators at {context.Http2.BaseUri} (HTTP/2) and {context.Http1.BaseUri} (HTTP/1.1 only)");
            new RequestBench(context, options, report).Run(Progress);
            new KeyBench(context, options, report).Run(Progress);
            new ChildBench(context, options, report).Run(Progress);
        }

        Targets.Judge(report, options);
        string machine = Machine(options, total.Elapsed);
        Console.WriteLine(report.Table(machine));
        Directory.CreateDirectory(options.Out);
        await File.WriteAllTextAsync(Path.Combine(options.Out, "bench.md"), report.Markdown(machine));
        await File.WriteAllTextAsync(Path.Combine(options.Out, "bench.json"), report.Json(machine, options));
        Console.WriteLine($"Written {Path.GetFullPath(Path.Combine(options.Out, "bench.md"))} and bench.json");
        return 0;
    }

    private static string Machine(BenchOptions options, TimeSpan elapsed) =>
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes >> 30} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, " +
        $".NET {Environment.Version}; N={options.N}, curl-per-process N={options.ProcessN}, rounds={options.Rounds}, key rounds={options.KeyRounds}, concurrency={options.Concurrency}{(options.Quick ? ", QUICK" : "")}; took {elapsed.TotalSeconds:0} s";
}
