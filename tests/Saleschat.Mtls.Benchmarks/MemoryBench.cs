namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// Working-set growth of a child pwsh, sampled every 2 ms from inside it (baseline after a full collection):
/// -OutFile of a large body from the emulator, and many hashtables piped through one Invoke-SaleschatMtlsRequest
/// to nginx (a lazy source, so only the module can hold on to them). Once per run: these are sizes, not rates.
/// </summary>
public sealed class MemoryBench(BenchContext context, BenchOptions options, Report report)
{
    public void Run(Action<string> progress)
    {
        long mib = options.OutFileBytes >> 20;
        progress($"memory: -OutFile of {mib} MiB (emulator, HTTP/2)");
        var outfile = Child("outfile", context.Server("emulator-h2"));
        report.Row("outfile-peak", "memory", $"-OutFile of {mib} MiB: peak working-set growth", "MiB").Add(outfile.GetProperty("peak").GetDouble());
        report.Row("outfile-retained", "memory", $"-OutFile of {mib} MiB: growth left after a full GC", "MiB").Add(outfile.GetProperty("retained").GetDouble());
        report.Row("outfile-rate", "memory", $"-OutFile of {mib} MiB: write rate", "MiB/s").Add(outfile.GetProperty("mibPerSecond").GetDouble());

        progress($"memory: {options.Items} items piped (nginx, HTTP/2)");
        var pipe = Child("pipe-memory", context.Server("nginx-h2"));
        report.Row("pipe-peak", "memory", $"{options.Items} hashtables piped to one Invoke-SaleschatMtlsRequest -Method Post: peak working-set growth", "MiB").Add(pipe.GetProperty("peak").GetDouble());
        report.Row("pipe-retained", "memory", $"{options.Items} piped: growth left after a full GC", "MiB").Add(pipe.GetProperty("retained").GetDouble());
        report.Row("pipe-rate", "memory", $"{options.Items} piped: rate", "calls/s").Add(pipe.GetProperty("rate").GetDouble());
    }

    private System.Text.Json.JsonElement Child(string contender, BenchServer server) => context.Pwsh.RunFile(context.ChildScript,
    [
        "-Contenders", contender, "-BaseUri", server.BaseUri.AbsoluteUri, "-Protocol", server.Protocol, "-Ca", server.CaPath,
        "-Cert", context.CertificatePath, "-Key", context.KeyPath, "-Module", context.Module, "-Floor", context.FloorAssembly,
        "-Bytes", options.OutFileBytes.ToString(), "-Items", options.Items.ToString(), "-OutFolder", context.Folder, "-Tag", "memory",
    ], context.Environment, TimeSpan.FromMinutes(15)).Single();
}
