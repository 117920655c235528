namespace Saleschat.Mtls.Benchmarks;

/// <summary>The command line: <c>[--quick] [--n N] [--rounds R] [--key-rounds K] [--concurrency C] [--out DIR]</c>.</summary>
public sealed record BenchOptions
{
    /// <summary>Calls per round for every in-process contender and for the one-curl-many-URLs contender.</summary>
    public int N { get; init; } = 3000;

    /// <summary>Calls per round for curl started once per request (≥ 200: a process per call is slow).</summary>
    public int ProcessN { get; init; } = 200;

    public int Rounds { get; init; } = 7;

    /// <summary>Samples per key size and contender for key generation.</summary>
    public int KeyRounds { get; init; } = 15;

    public int Concurrency { get; init; } = 8;

    public long[] DownloadSizes { get; init; } = [64L << 20, 256L << 20, 1L << 30];

    public string Out { get; init; } = Path.Combine("out", "bench");

    public bool Quick { get; init; }

    public const string Usage = "usage: Saleschat.Mtls.Benchmarks [--quick] [--n N] [--rounds R] [--key-rounds K] [--concurrency C] [--out DIR]";

    public static BenchOptions Parse(string[] args)
    {
        var options = args.Contains("--quick")
            ? new BenchOptions { Quick = true, N = 40, ProcessN = 5, Rounds = 2, KeyRounds = 2, DownloadSizes = [4L << 20, 16L << 20] }
            : new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
            int Count() => int.TryParse(Value(), out int n) && n > 0 ? n : throw new FormatException($"{args[i - 1]} needs a positive number.");
            options = args[i] switch
            {
                "--quick" => options,
                "--n" => options with { N = Count() },
                "--process-n" => options with { ProcessN = Count() },
                "--rounds" => options with { Rounds = Count() },
                "--key-rounds" => options with { KeyRounds = Count() },
                "--concurrency" => options with { Concurrency = Count() },
                "--out" => options with { Out = Value() },
                _ => throw new FormatException($"Unknown option {args[i]}."),
            };
        }

        return options;
    }
}
