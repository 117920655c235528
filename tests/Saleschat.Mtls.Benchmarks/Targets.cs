using System.Globalization;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>Issue #4's targets, judged on medians of the same run (ratios, so the machine's speed cancels out).</summary>
public static class Targets
{
    public static void Judge(Report report, BenchOptions options)
    {
        int c = options.Concurrency;
        foreach (string p in new[] { "h2", "h1" })
        {
            string label = p == "h2" ? "HTTP/2" : "HTTP/1.1";
            AtLeast(report, $"4 foreach >= 0.8 x raw client ({label})", $"module-foreach-{p}", $"raw-get-{p}", 0.8);
            // Not a target of the issue: how close the module is to the best any cmdlet can do.
            AtLeast(report, $"4 foreach >= 0.8 x a bare cmdlet (the floor for any cmdlet, {label})", $"module-foreach-{p}", $"bare-cmdlet-{p}", 0.8);
            AtLeast(report, $"4 foreach >= 50 x curl per process ({label})", $"module-foreach-{p}", $"curl-process-{p}", 50);
            AtLeast(report, $"5 piped sequential >= 0.9 x raw client ({label})", $"module-pipe-{p}", $"raw-post-{p}", 0.9);
            AtLeast(report, $"5 piped sequential >= 0.8 x a bare piped cmdlet (the floor for piping, {label})", $"module-pipe-{p}", $"bare-pipe-{p}", 0.8);
            Check(report, $"6 one TLS connection per session, sequential ({label})",
                report[$"connections-foreach-{p}"].Max <= 1 && report[$"connections-pipe-{p}"].Max <= 1,
                $"foreach max {report[$"connections-foreach-{p}"].Max}, pipe max {report[$"connections-pipe-{p}"].Max}");
            Check(report, $"6 connections <= {c} with -ThrottleLimit {c} ({label})",
                report[$"connections-pipe-c{c}-{p}"].Max <= c, $"max {report[$"connections-pipe-c{c}-{p}"].Max}");
        }

        AtLeast(report, $"5 -ThrottleLimit {c} >= 2 x its own sequential (HTTP/2)", $"module-pipe-c{c}-h2", "module-pipe-h2", 2);
        foreach (int bits in new[] { 2048, 4096 })
        {
            AtMost(report, $"7 New-SaleschatClientKey {bits} <= 1.5 x openssl genrsa", $"key-module-{bits}", $"key-openssl-{bits}", 1.5);
        }

        Check(report, "8 Import-Module < 300 ms", report["import-module"].Median < 300, $"median {F(report["import-module"].Median)} ms");
        long largest = options.DownloadSizes.Max();
        BenchRow memory = report[$"outfile-peak-{largest >> 20}MiB"];
        Check(report, $"9 peak working set grows < 64 MiB streaming {largest >> 20} MiB", memory.Max < 64, $"median {F(memory.Median)} MiB, max {F(memory.Max)} MiB");
    }

    private static void AtLeast(Report report, string name, string id, string baseline, double factor)
    {
        double ratio = PairedRatio(report[id], report[baseline]);
        Check(report, name, ratio >= factor, Detail(report[id], report[baseline], ratio));
    }

    private static void AtMost(Report report, string name, string id, string baseline, double factor)
    {
        double ratio = PairedRatio(report[id], report[baseline]);
        Check(report, name, ratio <= factor, Detail(report[id], report[baseline], ratio));
    }

    /// <summary>
    /// The median of the per-round ratios: each round's contenders ran close together, so a slow spell of
    /// the shared machine divides out. Rows without one sample per round fall back to the ratio of medians.
    /// </summary>
    private static double PairedRatio(BenchRow row, BenchRow baseline)
    {
        if (row.Samples.Count != baseline.Samples.Count || row.Samples.Count == 0)
        {
            return row.Median / baseline.Median;
        }

        var ratios = row.Samples.Zip(baseline.Samples, (a, b) => a / b).Order().ToArray();
        int middle = ratios.Length / 2;
        return ratios.Length % 2 == 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2;
    }

    private static string Detail(BenchRow row, BenchRow baseline, double ratio) =>
        $"{F(row.Median)} vs {F(baseline.Median)}; median per-round ratio {F(ratio)} x";

    private static void Check(Report report, string name, bool pass, string detail) => report.Targets.Add(new TargetResult(name, pass, detail));

    private static string F(double value) => value.ToString(value >= 100 ? "0" : "0.0#", CultureInfo.InvariantCulture);
}
