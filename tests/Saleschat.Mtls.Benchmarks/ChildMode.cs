using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>The child side of <see cref="ChildBench"/>: measures itself and prints one JSON line.</summary>
public static class ChildMode
{
    public const string Flag = "--child";
    public const string Import = "import";
    public const string Memory = "memory";

    private static string Env(string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set.");

    public static int Run(string[] args)
    {
        var results = new Dictionary<string, double>();
        var state = InitialSessionState.CreateDefault2();
        using var runspace = RunspaceFactory.CreateRunspace(new Saleschat.Mtls.Host.TextHost(TextWriter.Null), state);
        runspace.Open();
        Invoke(runspace, "$null = 1"); // the engine itself is warm; only the import is timed

        var watch = Stopwatch.StartNew();
        Invoke(runspace, "Import-Module $m", ("m", Env("SALESCHAT_MTLS_MODULE")));
        results["import"] = watch.Elapsed.TotalMilliseconds;

        using var ca = X509CertificateLoader.LoadCertificateFromFile(Env("SALESCHAT_BENCH_CA"));
        watch.Restart();
        Invoke(runspace, "$null = New-SaleschatSession -BaseUri $u -OrgId org-1 -CertificatePath $c -KeyPath $k -ServerCertificateAuthority $ca -RetryIntervalSec 0",
            ("u", Env("SALESCHAT_BENCH_URI")), ("c", Env("SALESCHAT_BENCH_CERT")), ("k", Env("SALESCHAT_BENCH_KEY")), ("ca", ca));
        results["session"] = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        Invoke(runspace, "$null = Invoke-SaleschatMtlsRequest '/__faults/text'");
        results["first"] = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        Invoke(runspace, "$null = Invoke-SaleschatMtlsRequest '/__faults/text'");
        results["second"] = watch.Elapsed.TotalMilliseconds;

        if (args.Length > 0 && args[0] == Memory)
        {
            results.Clear();
            foreach (string size in args.Skip(1))
            {
                results[size] = PeakGrowthMiB(runspace, long.Parse(size));
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(results));
        return 0;
    }

    /// <summary>Samples this process's working set every 2 ms while the body streams to disk.</summary>
    private static double PeakGrowthMiB(Runspace runspace, long bytes)
    {
        string file = Path.Combine(Env("SALESCHAT_BENCH_FOLDER"), $"download-{Environment.ProcessId}.bin");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = Environment.WorkingSet, peak = baseline;
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            while (!done.Wait(2))
            {
                peak = Math.Max(peak, Environment.WorkingSet);
            }
        }) { IsBackground = true };
        sampler.Start();
        try
        {
            Invoke(runspace, $"Invoke-SaleschatMtlsRequest '/__faults/large?bytes={bytes}' -OutFile $f -TimeoutSec 600", ("f", file));
        }
        finally
        {
            done.Set();
            sampler.Join();
        }

        long written = new FileInfo(file).Length;
        File.Delete(file);
        if (written != bytes)
        {
            throw new InvalidOperationException($"-OutFile wrote {written} bytes, expected {bytes}.");
        }

        return Math.Max(peak, Environment.WorkingSet) - baseline is var growth ? growth / 1048576.0 : 0;
    }

    private static void Invoke(Runspace runspace, string script, params (string Name, object Value)[] variables)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        foreach (var (name, value) in variables)
        {
            runspace.SessionStateProxy.SetVariable(name, value);
        }

        ps.AddScript(script).Invoke();
        if (ps.HadErrors)
        {
            throw new InvalidOperationException($"{script}: {string.Join("; ", ps.Streams.Error)}");
        }
    }
}
