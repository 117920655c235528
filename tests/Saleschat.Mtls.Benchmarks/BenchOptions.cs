namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// The command line: <c>[--quick] [--rounds R] [--cold N] [--warmup N] [--warm N] [--process-n N] [--curl-n N]
/// [--items N] [--outfile-mib N] [--servers a,b] [--contenders a,b] [--module PSD1] [--pwsh PWSH.DLL] [--out DIR]</c>.
/// </summary>
public sealed record BenchOptions
{
    /// <summary>Rounds: every contender once per round, in a rotated order.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Cold: the first calls of a fresh process, timed right after the first hello.</summary>
    public int Cold { get; init; } = 1000;

    /// <summary>Calls made (cold ones included) before the warm calls are timed.</summary>
    public int Warmup { get; init; } = 5000;

    /// <summary>Warm: calls timed after <see cref="Warmup"/>.</summary>
    public int Warm { get; init; } = 2000;

    /// <summary>Calls per round for curl started once per request.</summary>
    public int ProcessN { get; init; } = 100;

    /// <summary>URLs given to the one curl process of the curl-reuse row.</summary>
    public int CurlN { get; init; } = 2000;

    /// <summary>Items piped through one Invoke-SaleschatMtlsRequest for the memory row.</summary>
    public int Items { get; init; } = 100_000;

    public long OutFileBytes { get; init; } = 1L << 30;

    public int Concurrency { get; init; } = 8;

    /// <summary>Quick runs every contender of one server in one child process (its cold figures are not cold).</summary>
    public bool SharedChild { get; init; }

    public string[] Servers { get; init; } = [.. BenchContext.ServerIds];

    public string[] Contenders { get; init; } = [.. RequestBench.ChildContenders];

    /// <summary>The module manifest to measure (default: out/Saleschat.Mtls, as built).</summary>
    public string? Module { get; init; }

    /// <summary>Another build of the module (say, before a change): adds its foreach and piped rows against nginx over HTTP/2, "before-…", to the same run.</summary>
    public string? Baseline { get; init; }

    /// <summary>pwsh.dll of the pinned PowerShell (default: the .NET tool's package in the NuGet folder).</summary>
    public string? Pwsh { get; init; }

    public string Out { get; init; } = Path.Combine("out", "bench");

    public bool Quick { get; init; }

    public const string Usage = "usage: Saleschat.Mtls.Benchmarks [--quick] [--rounds R] [--cold N] [--warmup N] [--warm N] [--process-n N] [--curl-n N] [--items N] [--outfile-mib N] [--servers a,b] [--contenders a,b] [--module PSD1] [--baseline PSD1] [--pwsh PWSH.DLL] [--out DIR]";

    public static BenchOptions Parse(string[] args)
    {
        var options = args.Contains("--quick")
            ? new BenchOptions { Quick = true, SharedChild = true, Rounds = 1, Cold = 100, Warmup = 200, Warm = 100, ProcessN = 3, CurlN = 100, Items = 1000, OutFileBytes = 64L << 20 }
            : new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
            int Count() => int.TryParse(Value(), out int n) && n > 0 ? n : throw new FormatException($"{args[i - 1]} needs a positive number.");
            string[] List(IEnumerable<string> allowed)
            {
                string[] values = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                string? unknown = values.FirstOrDefault(v => !allowed.Contains(v));
                return unknown == null ? values : throw new FormatException($"Unknown value '{unknown}'; one of {string.Join(", ", allowed)}.");
            }

            options = args[i] switch
            {
                "--quick" => options,
                "--rounds" => options with { Rounds = Count() },
                "--cold" => options with { Cold = Count() },
                "--warmup" => options with { Warmup = Count() },
                "--warm" => options with { Warm = Count() },
                "--process-n" => options with { ProcessN = Count() },
                "--curl-n" => options with { CurlN = Count() },
                "--items" => options with { Items = Count() },
                "--outfile-mib" => options with { OutFileBytes = (long)Count() << 20 },
                "--servers" => options with { Servers = List(BenchContext.ServerIds) },
                "--contenders" => options with { Contenders = List(RequestBench.ChildContenders) },
                "--module" => options with { Module = Path.GetFullPath(Value()) },
                "--baseline" => options with { Baseline = Path.GetFullPath(Value()) },
                "--pwsh" => options with { Pwsh = Path.GetFullPath(Value()) },
                "--out" => options with { Out = Value() },
                _ => throw new FormatException($"Unknown option {args[i]}."),
            };
        }

        if (options.Warmup < options.Cold)
        {
            throw new FormatException("--warmup counts the cold calls too: it cannot be less than --cold.");
        }

        return options;
    }
}
