using System.Text.Json;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Benchmarks;

/// <summary>The benchmark program runs end to end (--quick) and writes every row; no number is asserted.</summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task Quick_run_writes_json_with_every_row_and_target()
    {
        using var folder = new TempFolder();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int exit = await Saleschat.Mtls.Benchmarks.Program.Main(["--quick", "--out", folder.Path]);
        Assert.Equal(0, exit);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), watch.Elapsed.ToString());

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "bench.json")));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("Id").GetString()!);
        string[] expected =
        [
            .. new[] { "h2", "h1" }.SelectMany(p => new[]
            {
                $"curl-process-{p}", $"curl-reuse-{p}", $"raw-get-{p}", $"bare-cmdlet-{p}", $"bare-pipe-{p}", $"module-foreach-{p}", $"raw-post-{p}", $"module-pipe-{p}",
                $"raw-post-c8-{p}", $"module-pipe-c8-{p}", $"connections-foreach-{p}", $"connections-pipe-{p}", $"connections-pipe-c8-{p}",
            }),
            "key-module-2048", "key-openssl-2048", "key-module-4096", "key-openssl-4096",
            "import-module", "first-session", "first-call", "second-call", "outfile-peak-4MiB", "outfile-peak-16MiB",
        ];
        Assert.Equal(expected.Order(), rows.Keys.Order());
        Assert.All(rows.Values, r => Assert.True(r.GetProperty("samples").GetArrayLength() >= 2, r.GetProperty("Id").GetString()));
        Assert.NotEmpty(json.RootElement.GetProperty("targets").EnumerateArray());
        Assert.True(File.Exists(Path.Combine(folder.Path, "bench.md")));
    }
}
