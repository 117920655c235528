using System.Globalization;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// Issue #12's targets, judged on one run in real pwsh. Rates are compared by the median of per-round ratios
/// (each round's contenders ran close together, so a slow spell of the shared machine divides out).
/// </summary>
public static class Targets
{
    public static void Judge(Report report, BenchOptions options)
    {
        int c = options.Concurrency;
        foreach (string s in options.Servers)
        {
            foreach ((string regime, double factor) in new[] { ("warm", 0.95), ("cold", 0.85) })
            {
                string id = $"module-{regime}-{s}", bare = $"bare-{regime}-{s}";
                if (!AtLeast(report, $"{regime} foreach >= {F(factor)} x the bare cmdlet ({s})", id, bare, factor) && report.Has("allocated-warm-module"))
                {
                    // The bare cmdlet is the floor itself: what is left is the module's own work per call, and the spread.
                    double[] ratios = report[id].Samples.Zip(report[bare].Samples, (a, b) => a / b).ToArray();
                    report.Floors.Add($"{regime} foreach ({s}): the bare cmdlet is the floor; the gap is the module's own work per call (the origin gate, "
                        + "header, size and timeout checks, retries, error classification, one answer object): "
                        + $"{F(report["allocated-warm-module"].Median)} bytes allocated per call against the bare cmdlet's {F(report["allocated-warm-bare"].Median)} (warm, median over servers); "
                        + $"this ratio's rounds in this run ranged {F(ratios.Min())}-{F(ratios.Max())} x.");
                }
            }

            foreach (string regime in new[] { "warm", "cold" })
            {
                bool pass = AtLeast(report, $"{regime} piped >= 0.95 x the bare piped cmdlet ({s})", $"module-pipe-{regime}-{s}", $"bare-pipe-{regime}-{s}", 0.95);
                if (!pass && report.Has($"bare-json-pipe-{regime}-{s}"))
                {
                    report.Floors.Add($"{regime} piped ({s}): the bare piped cmdlet with PowerShell's own JSON conversion both ways reaches "
                        + $"{Ratio(report, $"bare-json-pipe-{regime}-{s}", $"bare-pipe-{regime}-{s}")} x the bare piped cmdlet "
                        + $"({F(report[$"bare-json-pipe-{regime}-{s}"].Median)} vs {F(report[$"bare-pipe-{regime}-{s}"].Median)} calls/s); "
                        + $"the module, which does that JSON work too, is at {Ratio(report, $"module-pipe-{regime}-{s}", $"bare-json-pipe-{regime}-{s}")} x that floor.");
                }
            }
            if (s.EndsWith("h2", StringComparison.Ordinal)
                && !AtLeast(report, $"-ThrottleLimit {c} >= 2 x the module's own sequential pipe, warm ({s})", $"module-throttle-warm-{s}", $"module-pipe-warm-{s}", 2)
                && report.Has($"raw-throttle-warm-{s}"))
            {
                // Concurrency needs spare cores: client and server share these two. The raw client shows what is left.
                report.Floors.Add($"-ThrottleLimit {c} ({s}): the raw HttpClient itself, {c} requests in flight, reaches {Ratio(report, $"raw-throttle-warm-{s}", $"raw-warm-{s}")} x "
                    + $"its own sequential loop ({F(report[$"raw-throttle-warm-{s}"].Median)} vs {F(report[$"raw-warm-{s}"].Median)} calls/s): the client and the server share the machine's cores; "
                    + $"the module's {c}-wide pipe is at {Ratio(report, $"module-throttle-warm-{s}", $"raw-throttle-warm-{s}")} x the raw client's.");
            }
        }

        // Not targets: this build against the --baseline build, measured side by side in this run.
        foreach (string s in options.Servers.Where(_ => options.Baseline != null))
        {
            foreach (string row in new[] { "module-cold", "module-warm", "module-pipe-cold", "module-pipe-warm" })
            {
                if (report.Has($"{row}-{s}") && report.Has($"before-{row}-{s}"))
                {
                    double ratio = PairedRatio(report[$"{row}-{s}"], report[$"before-{row}-{s}"]);
                    report.Comparisons.Add($"{row} ({s}): this build / baseline = {F(ratio)} x ({F(report[$"{row}-{s}"].Median)} vs {F(report[$"before-{row}-{s}"].Median)} calls/s)");
                }
            }
        }

        // Allocation per call barely moves with the machine's load, so it shows a per-call regression that the
        // throughput rows of a busy machine can hide.
        foreach (string contender in new[] { "module", "module-pipe" }.Where(_ => options.Baseline != null))
        {
            if (report.Has($"allocated-warm-{contender}") && report.Has($"allocated-warm-before-{contender}"))
            {
                double now = report[$"allocated-warm-{contender}"].Median, before = report[$"allocated-warm-before-{contender}"].Median;
                report.Comparisons.Add($"bytes allocated per warm call, {contender}: this build / baseline = {F(now / before)} x ({F(now)} vs {F(before)} bytes)");
            }
        }

        // Fresh process to first hello <= 1.5 x (pwsh -c exit + one curl hello), per round.
        if (report.Has("pwsh-module-hello"))
        {
            BenchRow module = report["pwsh-module-hello"], exit = report["pwsh-exit"], curl = report["curl-hello"];
            double ratio = Median(module.Samples.Select((m, i) => m / (exit.Samples[i] + curl.Samples[i])));
            Check(report, "fresh process to first hello <= 1.5 x (pwsh -c exit + one curl hello)", ratio <= 1.5,
                $"{F(module.Median)} ms vs {F(exit.Median)} + {F(curl.Median)} ms; median per-round ratio {F(ratio)} x");
            if (ratio > 1.5 && report.Has("pwsh-raw-hello"))
            {
                BenchRow raw = report["pwsh-raw-hello"];
                double floor = Median(raw.Samples.Select((r, i) => r / (exit.Samples[i] + curl.Samples[i])));
                report.Floors.Add($"fresh process to first hello: the raw HttpClient in the same fresh pwsh (load it, client from the PEM files, one hello) takes "
                    + $"{F(raw.Median)} ms, {F(floor)} x (pwsh -c exit + one curl hello); the module takes {Ratio(report, "pwsh-module-hello", "pwsh-raw-hello")} x the raw client's time.");
            }
        }

        foreach (string s in options.Servers.Where(s => s.StartsWith("nginx", StringComparison.Ordinal)))
        {
            if (!AtLeast(report, $"cold foreach >= 50 x curl per call ({s})", $"module-cold-{s}", $"curl-process-{s}", 50) && report.Has($"bare-cold-{s}"))
            {
                report.Floors.Add($"cold foreach vs curl per call ({s}): the bare cmdlet (PowerShell's own cost of running a command around the raw client) reaches "
                    + $"{Ratio(report, $"bare-cold-{s}", $"curl-process-{s}")} x curl per call; the module is at {Ratio(report, $"module-cold-{s}", $"bare-cold-{s}")} x the bare cmdlet, "
                    + $"and the raw client loop, with no command at all, at {(report.Has($"raw-cold-{s}") ? Ratio(report, $"raw-cold-{s}", $"curl-process-{s}") : "-")} x curl.");
            }
            int limit = s.EndsWith("h2", StringComparison.Ordinal) ? 1 : c;
            var rows = options.Contenders.Where(x => x.StartsWith("module", StringComparison.Ordinal))
                .Select(x => (x, id: $"connections-{x}-{s}")).Where(r => report.Has(r.id)).ToList();
            if (rows.Count > 0)
            {
                Check(report, limit == 1 ? $"one TLS connection per session ({s}, nginx's $connection)" : $"<= {c} TLS connections per session ({s}, nginx's $connection)",
                    rows.All(r => report[r.id].Max <= limit), string.Join(", ", rows.Select(r => $"{r.x} max {report[r.id].Max}")));
            }
        }

        if (report.Has("outfile-peak"))
        {
            Check(report, $"-OutFile of {options.OutFileBytes >> 20} MiB grows the working set < 64 MiB", report["outfile-peak"].Max < 64, $"peak {F(report["outfile-peak"].Max)} MiB, after GC {F(report["outfile-retained"].Max)} MiB");
            Check(report, $"{options.Items} piped items grow the working set < 64 MiB", report["pipe-peak"].Max < 64, $"peak {F(report["pipe-peak"].Max)} MiB, after GC {F(report["pipe-retained"].Max)} MiB");
        }
    }

    /// <returns>Whether the target passed; true when a contender was left out (--contenders), so no floor is looked for.</returns>
    private static bool AtLeast(Report report, string name, string id, string baseline, double factor)
    {
        if (!report.Has(id) || !report.Has(baseline))
        {
            return true;
        }

        double ratio = PairedRatio(report[id], report[baseline]);
        Check(report, name, ratio >= factor, $"{F(report[id].Median)} vs {F(report[baseline].Median)}; median per-round ratio {F(ratio)} x");
        return ratio >= factor;
    }

    private static string Ratio(Report report, string id, string baseline) => F(PairedRatio(report[id], report[baseline]));

    /// <summary>The median of the per-round ratios; rows without one sample per round fall back to the ratio of medians.</summary>
    public static double PairedRatio(BenchRow row, BenchRow baseline) =>
        row.Samples.Count != baseline.Samples.Count || row.Samples.Count == 0
            ? row.Median / baseline.Median
            : Median(row.Samples.Zip(baseline.Samples, (a, b) => a / b));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static void Check(Report report, string name, bool pass, string detail) => report.Targets.Add(new TargetResult(name, pass, detail));

    private static string F(double value) => value.ToString(value >= 100 ? "0" : "0.0#", CultureInfo.InvariantCulture);
}
