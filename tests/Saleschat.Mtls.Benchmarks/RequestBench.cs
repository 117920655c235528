using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// Request throughput in calls per second, against each server: curl (a process per call, and one process for N
/// URLs) and, each in its own fresh child pwsh, the raw HttpClient loop, the bare cmdlet in a foreach and piped,
/// and the module in a foreach, piped, and piped with -ThrottleLimit. Each child reports cold (its first calls) and
/// warm (after the warm-up) rates, and its start-up; nginx's log gives the TLS connections each one opened.
/// </summary>
public sealed class RequestBench(BenchContext context, BenchOptions options, Report report)
{
    public static readonly string[] ChildContenders = ["raw", "raw-throttle", "bare", "bare-pipe", "bare-json-pipe", "module", "module-pipe", "module-throttle"];

    private static readonly Dictionary<string, string> Descriptions = new()
    {
        ["raw"] = "raw HttpClient, a compiled loop of GETs in the child pwsh (the platform limit)",
        ["raw-throttle"] = "the same raw loop with 8 requests in flight (what the platform itself gains from concurrency here)",
        ["bare"] = "a bare compiled cmdlet around that client, in foreach (the floor for any cmdlet)",
        ["bare-pipe"] = "hashtables piped to a bare cmdlet POSTing with that client (the floor for piping)",
        ["bare-json-pipe"] = "the same bare piped cmdlet plus PowerShell's own JSON conversion both ways, as ConvertTo-Json and ConvertFrom-Json do it (the floor for objects in and out)",
        ["module"] = "Invoke-SaleschatMtlsRequest in foreach",
        ["module-pipe"] = "hashtables piped to one Invoke-SaleschatMtlsRequest -Method Post",
        ["module-throttle"] = "the same pipe with -ThrottleLimit 8",
    };

    private int _child;

    public void Run(Action<string> progress)
    {
        var contenders = new List<(string, Action)>();
        foreach (string id in options.Servers)
        {
            BenchServer server = context.Server(id);
            BenchRow process = Row($"curl-process-{id}", $"curl --cert --key, one process per GET (cold by nature; {server.Label})");
            BenchRow reuse = Row($"curl-reuse-{id}", $"one curl process fetching {options.CurlN} URLs ({server.Label})");
            contenders.Add(($"curl per call, {server.Label}", () => process.Add(CurlPerProcess(server))));
            contenders.Add(($"one curl, {server.Label}", () => reuse.Add(CurlReuse(server))));
            if (options.SharedChild)
            {
                contenders.Add(($"one child pwsh for every contender, {server.Label}", () => Child(server, options.Contenders)));
            }
            else
            {
                foreach (string contender in options.Contenders)
                {
                    contenders.Add(($"{contender}, {server.Label}", () => Child(server, [contender])));
                    if (options.Baseline != null && server.Id == "nginx-h2" && contender is ("module" or "module-pipe"))
                    {
                        contenders.Add(($"before-{contender}, {server.Label}", () => Child(server, [contender], options.Baseline)));
                    }
                }
            }
        }

        Rounds.Interleave(options.Rounds, contenders, progress);
    }

    private BenchRow Row(string id, string description, string unit = "calls/s") => report.Row(id, "requests", description, unit);

    private void Child(BenchServer server, string[] contenders, string? baseline = null)
    {
        string tag = $"c{++_child}";
        long before = server.Emulator?.TlsConnections ?? 0;
        var results = context.Pwsh.RunFile(context.ChildScript,
        [
            "-Contenders", string.Join(',', contenders), "-BaseUri", server.BaseUri.AbsoluteUri, "-Protocol", server.Protocol,
            "-Ca", server.CaPath, "-Cert", context.CertificatePath, "-Key", context.KeyPath, "-Module", baseline ?? context.Module,
            "-Floor", context.FloorAssembly, "-Cold", options.Cold.ToString(), "-Warmup", options.Warmup.ToString(),
            "-Warm", options.Warm.ToString(), "-Throttle", options.Concurrency.ToString(), "-Tag", tag,
        ], context.Environment, TimeSpan.FromMinutes(10));
        if (results.Count != contenders.Length)
        {
            throw new InvalidOperationException($"The child printed {results.Count} results for {contenders.Length} contenders.");
        }

        foreach (JsonElement result in results)
        {
            string contender = result.GetProperty("contender").GetString()!;
            if (baseline != null)
            {
                Row($"before-{contender}-cold-{server.Id}", $"cold: the baseline build (--baseline), {Descriptions[contender]} — first {options.Cold} calls of a fresh pwsh ({server.Label})").Add(result.GetProperty("cold").GetDouble());
                Row($"before-{contender}-warm-{server.Id}", $"warm: the baseline build (--baseline), {Descriptions[contender]} — after {options.Warmup} calls ({server.Label})").Add(result.GetProperty("warm").GetDouble());
                report.Row($"jit-cold-ms-before-{contender}", "jit", $"JIT time during the first {options.Cold} calls: the baseline build, {Descriptions[contender]}", "ms").Add(result.GetProperty("coldJitMs").GetDouble());
                report.Row($"jit-cold-methods-before-{contender}", "jit", $"methods JIT-compiled during the first {options.Cold} calls: the baseline build, {Descriptions[contender]}", "methods").Add(result.GetProperty("coldJitMethods").GetDouble());
                report.Row($"allocated-warm-before-{contender}", "allocations", $"bytes allocated per call (all threads), warm: the baseline build, {Descriptions[contender]}", "bytes").Add(result.GetProperty("warmAllocatedPerCall").GetDouble());
                continue;
            }

            string regime = options.SharedChild ? "shared child" : "fresh pwsh";
            Row($"{contender}-cold-{server.Id}", $"cold: {Descriptions[contender]} — first {options.Cold} calls of a {regime} ({server.Label})").Add(result.GetProperty("cold").GetDouble());
            Row($"{contender}-warm-{server.Id}", $"warm: {Descriptions[contender]} — after {options.Warmup} calls ({server.Label})").Add(result.GetProperty("warm").GetDouble());
            string jitWhat = options.SharedChild ? "" : " (median over servers and rounds)";
            report.Row($"jit-cold-ms-{contender}", "jit", $"JIT time (all threads) during the first {options.Cold} calls: {Descriptions[contender]}{jitWhat}", "ms").Add(result.GetProperty("coldJitMs").GetDouble());
            report.Row($"jit-cold-methods-{contender}", "jit", $"methods JIT-compiled during the first {options.Cold} calls: {Descriptions[contender]}{jitWhat}", "methods").Add(result.GetProperty("coldJitMethods").GetDouble());
            report.Row($"jit-to-first-call-ms-{contender}", "jit", $"JIT time from process start to the first timed call (import, session, hello): {Descriptions[contender]}{jitWhat}", "ms").Add(result.GetProperty("jitBeforeCallsMs").GetDouble());
            report.Row($"allocated-warm-{contender}", "allocations", $"bytes allocated per call (all threads), warm: {Descriptions[contender]}{jitWhat}", "bytes").Add(result.GetProperty("warmAllocatedPerCall").GetDouble());
            if (contender is "module" or "raw")
            {
                string who = contender == "module" ? "module" : "raw client";
                Startup($"{contender}-script-start", $"{who}: process start to the script's first line", result, "scriptStart");
                Startup($"{contender}-import", $"{who}: Import-Module", result, "import");
                Startup($"{contender}-session", contender == "module" ? "module: New-SaleschatSession (certificate files, handler)" : "raw client: client and certificate from the PEM files", result, "session");
                Startup($"{contender}-hello", contender == "module" ? "module: first Test-SaleschatMtls -Quiet (with its TLS handshake)" : "raw client: first hello GET (with its TLS handshake)", result, "hello");
                Startup($"{contender}-process-to-hello", $"{who}: process start to first successful hello", result, "helloFromStart");
            }

            if (contender.StartsWith("module", StringComparison.Ordinal) && server.Id.StartsWith("nginx", StringComparison.Ordinal))
            {
                int connections = context.Nginx.Connections(server.Protocol, $"{tag}.{contender}", options.Warmup + options.Warm);
                report.Row($"connections-{contender}-{server.Id}", "connections",
                    $"TLS connections ($connection in nginx's log) for {options.Warmup + options.Warm} calls of {Descriptions[contender]}, one session ({server.Label})", "connections").Add(connections);
            }
        }

        if (server.Emulator != null && contenders.Length == 1 && contenders[0].StartsWith("module", StringComparison.Ordinal))
        {
            report.Row($"connections-{contenders[0]}-{server.Id}", "connections",
                $"TLS connections the emulator accepted for one child: {Descriptions[contenders[0]]}, its hello included ({server.Label})", "connections")
                .Add(server.Emulator.TlsConnections - before);
        }
    }

    private void Startup(string id, string description, JsonElement result, string property) =>
        report.Row(id, "startup", description + " (median over servers and rounds)", "ms").Add(result.GetProperty(property).GetDouble());

    private string[] CurlArguments(BenchServer server) =>
    [
        "--silent", "--show-error", "--fail", "--cert", context.CertificatePath, "--key", context.KeyPath, "--cacert", server.CaPath,
        "-H", $"Authorization: Bearer {Floor.ApiKey}", server.Protocol == "h2" ? "--http2" : "--http1.1",
    ];

    public static string TextUrl(BenchServer server, string tag) => new Uri(server.BaseUri, $"__faults/text?run={tag}").AbsoluteUri;

    private double CurlPerProcess(BenchServer server)
    {
        string url = TextUrl(server, "curl");
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < options.ProcessN; i++)
        {
            Processes.Run("curl", [.. CurlArguments(server), "-o", "/dev/null", url], TimeSpan.FromSeconds(30));
        }

        return options.ProcessN / watch.Elapsed.TotalSeconds;
    }

    private double CurlReuse(BenchServer server)
    {
        // A config file rather than N arguments: the command line stays short for any N.
        string config = Path.Combine(context.Folder, $"urls-{server.Id}.curlrc");
        string url = TextUrl(server, "curl");
        var lines = new StringBuilder();
        for (int i = 0; i < options.CurlN; i++)
        {
            lines.Append("url = \"").Append(url).Append("\"\noutput = \"/dev/null\"\n");
        }

        File.WriteAllText(config, lines.ToString());
        var watch = Stopwatch.StartNew();
        Processes.Run("curl", [.. CurlArguments(server), "-K", config], TimeSpan.FromSeconds(300));
        return options.CurlN / watch.Elapsed.TotalSeconds;
    }
}
