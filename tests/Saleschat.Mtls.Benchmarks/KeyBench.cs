using System.Diagnostics;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>RSA key files: New-SaleschatClientKey -Path vs <c>openssl genrsa -out</c>, 2048 and 4096 bits, in ms.</summary>
public sealed class KeyBench(BenchContext context, BenchOptions options, Report report)
{
    public void Run(Action<string> progress)
    {
        var contenders = new List<(string, Action)>();
        foreach (int bits in new[] { 2048, 4096 })
        {
            BenchRow module = report.Row($"key-module-{bits}", "keys", $"7. New-SaleschatClientKey -KeySize {bits} -Path", "ms");
            BenchRow openssl = report.Row($"key-openssl-{bits}", "keys", $"7. openssl genrsa -out {bits}", "ms");
            contenders.Add(($"module {bits}", () => module.Add(Module(bits))));
            contenders.Add(($"openssl {bits}", () => openssl.Add(OpenSsl(bits))));
        }

        Rounds.Interleave(options.KeyRounds, contenders, progress);
    }

    private double Module(int bits)
    {
        string path = Path.Combine(context.Folder, $"module-{bits}.key");
        double ms = Convert.ToDouble(context.Run(
            "$w = [Diagnostics.Stopwatch]::StartNew(); $null = New-SaleschatClientKey -Path $p -KeySize $b; $w.Elapsed.TotalMilliseconds",
            ("p", path), ("b", bits)).Single().BaseObject);
        File.Delete(path);
        return ms;
    }

    private double OpenSsl(int bits)
    {
        string path = Path.Combine(context.Folder, $"openssl-{bits}.key");
        var watch = Stopwatch.StartNew();
        Processes.Run("openssl", ["genrsa", "-out", path, bits.ToString()], TimeSpan.FromSeconds(60));
        double ms = watch.Elapsed.TotalMilliseconds;
        File.Delete(path);
        return ms;
    }
}
