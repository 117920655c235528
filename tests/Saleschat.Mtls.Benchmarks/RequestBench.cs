using System.Diagnostics;
using System.Text;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// Request throughput, in calls per second: curl (a process per call, and one process for many URLs), the raw
/// HttpClient, and the module (a foreach, a pipeline, a pipeline with -ThrottleLimit), over HTTP/2 and HTTP/1.1.
/// Every contender gets a fresh client or session each round, so each pays its own handshake.
/// </summary>
public sealed class RequestBench(BenchContext context, BenchOptions options, Report report)
{
    private const string TextRoute = "__faults/text";
    private const string EchoRoute = "__faults/echo";

    private bool _bareImported;

    public void Run(Action<string> progress)
    {
        var contenders = new List<(string, Action)>();
        foreach (string p in new[] { "h2", "h1" })
        {
            string label = p == "h2" ? "HTTP/2" : "HTTP/1.1";
            int c = options.Concurrency;
            Add(contenders, $"curl-process-{p}", $"1. curl, one process per GET ({label})", () => CurlPerProcess(p));
            Add(contenders, $"curl-reuse-{p}", $"2. one curl process, N GETs ({label})", () => CurlReuse(p));
            Add(contenders, $"raw-get-{p}", $"3. raw HttpClient, sequential GETs ({label})", () => RawGet(p));
            Add(contenders, $"bare-cmdlet-{p}", $"3d. a bare cmdlet around the raw client, in foreach: the floor for any cmdlet ({label})", () => BareCmdlet(p));
            Add(contenders, $"module-foreach-{p}", $"4. Invoke-SaleschatMtlsRequest in foreach ({label})", () => ModuleForeach(p));
            Add(contenders, $"raw-post-{p}", $"3b. raw HttpClient, sequential JSON POSTs ({label})", () => RawPost(p, 1));
            Add(contenders, $"bare-pipe-{p}", $"3e. N bodies piped to a bare cmdlet around the raw client: the floor for piping ({label})", () => BarePipe(p));
            Add(contenders, $"module-pipe-{p}", $"5. N bodies piped to one call, sequential ({label})", () => ModulePipe(p, 1));
            Add(contenders, $"raw-post-c{c}-{p}", $"3c. raw HttpClient, {c} concurrent JSON POSTs ({label})", () => RawPost(p, c));
            Add(contenders, $"module-pipe-c{c}-{p}", $"5c. N bodies piped, -ThrottleLimit {c} ({label})", () => ModulePipe(p, c));
        }

        Rounds.Interleave(options.Rounds, contenders, progress);
    }

    private void Add(List<(string, Action)> contenders, string id, string description, Func<double> callsPerSecond)
    {
        BenchRow row = report.Row(id, "requests", description, "calls/s");
        contenders.Add((id, () => row.Add(callsPerSecond())));
    }

    private Uri Url(string protocol, string route) => new(context.Emulator(protocol).BaseUri, route);

    private string[] CurlArguments(string protocol) =>
    [
        "--silent", "--show-error", "--fail", "--cert", context.CertificatePath, "--key", context.KeyPath, "--cacert", context.CaPath,
        "-H", $"Authorization: Bearer {BenchContext.ApiKey}", protocol == "h2" ? "--http2" : "--http1.1",
    ];

    private double CurlPerProcess(string protocol)
    {
        string url = Url(protocol, TextRoute).AbsoluteUri;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < options.ProcessN; i++)
        {
            Processes.Run("curl", [.. CurlArguments(protocol), "-o", "/dev/null", url], TimeSpan.FromSeconds(30));
        }

        return options.ProcessN / watch.Elapsed.TotalSeconds;
    }

    private double CurlReuse(string protocol)
    {
        // A config file rather than N arguments: the command line stays short for any N.
        string config = Path.Combine(context.Folder, $"urls-{protocol}.curlrc");
        string url = Url(protocol, TextRoute).AbsoluteUri;
        var lines = new StringBuilder();
        for (int i = 0; i < options.N; i++)
        {
            lines.Append("url = \"").Append(url).Append("\"\noutput = \"/dev/null\"\n");
        }

        File.WriteAllText(config, lines.ToString());
        var watch = Stopwatch.StartNew();
        Processes.Run("curl", [.. CurlArguments(protocol), "-K", config], TimeSpan.FromSeconds(120));
        return options.N / watch.Elapsed.TotalSeconds;
    }

    private double RawGet(string protocol)
    {
        using HttpClient client = context.NewRawClient(protocol);
        Uri url = Url(protocol, TextRoute);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < options.N; i++)
        {
            using var response = client.GetAsync(url).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            _ = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        }

        return options.N / watch.Elapsed.TotalSeconds;
    }

    private double RawPost(string protocol, int concurrency)
    {
        using HttpClient client = context.NewRawClient(protocol);
        Uri url = Url(protocol, EchoRoute);
        var watch = Stopwatch.StartNew();
        Parallel.For(0, options.N, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, i =>
        {
            // The module's body for @{ i = ..; name = .. }, serialised the same way.
            using var content = new StringContent($"{{\"i\":{i},\"name\":\"c{i}\"}}", Encoding.UTF8, "application/json");
            using var response = client.PostAsync(url, content).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            _ = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        });
        return options.N / watch.Elapsed.TotalSeconds;
    }

    private double BareCmdlet(string protocol)
    {
        using HttpClient client = context.NewRawClient(protocol);
        InvokeBareGetCommand.Client = client;
        ImportBareCmdlets();
        return options.N / Seconds(context.Run(
            "$w = [Diagnostics.Stopwatch]::StartNew(); $ok = 0; foreach ($i in 1..$n) { if ((Invoke-BareGet $u) -eq 'plain text body') { $ok++ } }; $w.Elapsed.TotalSeconds; $ok",
            ("u", Url(protocol, TextRoute)), ("n", options.N)), options.N);
    }

    private double BarePipe(string protocol)
    {
        using HttpClient client = context.NewRawClient(protocol);
        InvokeBareGetCommand.Client = client;
        ImportBareCmdlets();
        context.Run("$items = foreach ($i in 1..$n) { @{ i = $i; name = \"c$i\" } }", ("n", options.N));
        return options.N / Seconds(context.Run(
            "$w = [Diagnostics.Stopwatch]::StartNew(); $r = @($items | Invoke-BarePost $u); $w.Elapsed.TotalSeconds; $r.Count",
            ("u", Url(protocol, EchoRoute))), options.N);
    }

    private void ImportBareCmdlets()
    {
        if (!_bareImported)
        {
            context.Run("Import-Module $p", ("p", typeof(InvokeBareGetCommand).Assembly.Location));
            _bareImported = true;
        }
    }

    private double ModuleForeach(string protocol)
    {
        var emulator = context.Emulator(protocol);
        object session = context.NewSession(protocol);
        long before = emulator.TlsConnections;
        double seconds = Seconds(context.Run(
            "$w = [Diagnostics.Stopwatch]::StartNew(); $ok = 0; foreach ($i in 1..$n) { if ((Invoke-SaleschatMtlsRequest -Session $s '/__faults/text') -eq 'plain text body') { $ok++ } }; $w.Elapsed.TotalSeconds; $ok",
            ("s", session), ("n", options.N)), options.N);
        report.Row($"connections-foreach-{protocol}", "connections", $"6. TLS connections per {options.N} foreach calls, fresh session ({Label(protocol)})", "connections")
            .Add(emulator.TlsConnections - before);
        return options.N / seconds;
    }

    private double ModulePipe(string protocol, int throttle)
    {
        var emulator = context.Emulator(protocol);
        object session = context.NewSession(protocol);
        context.Run("$items = foreach ($i in 1..$n) { @{ i = $i; name = \"c$i\" } }", ("n", options.N));
        long before = emulator.TlsConnections;
        double seconds = Seconds(context.Run(
            "$w = [Diagnostics.Stopwatch]::StartNew(); $r = @($items | Invoke-SaleschatMtlsRequest -Session $s -Method Post '/__faults/echo' -ThrottleLimit $t); $w.Elapsed.TotalSeconds; $r.Count",
            ("s", session), ("t", throttle)), options.N);
        string id = throttle == 1 ? $"connections-pipe-{protocol}" : $"connections-pipe-c{throttle}-{protocol}";
        string what = throttle == 1 ? "piped calls" : $"piped calls, -ThrottleLimit {throttle}";
        report.Row(id, "connections", $"6. TLS connections per {options.N} {what}, fresh session ({Label(protocol)})", "connections")
            .Add(emulator.TlsConnections - before);
        return options.N / seconds;
    }

    private static string Label(string protocol) => protocol == "h2" ? "HTTP/2" : "HTTP/1.1";

    /// <summary>The script's elapsed seconds, after checking it produced one good answer per call.</summary>
    private static double Seconds(IReadOnlyList<System.Management.Automation.PSObject> output, int expected)
    {
        int answered = Convert.ToInt32(output[1].BaseObject);
        if (answered != expected)
        {
            throw new InvalidOperationException($"Expected {expected} answers, got {answered}.");
        }

        return Convert.ToDouble(output[0].BaseObject);
    }
}
