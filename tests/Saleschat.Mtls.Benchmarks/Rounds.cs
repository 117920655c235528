namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// Runs contenders round after round, each round in a rotated order, so drift on a shared machine (another
/// job, thermal throttling, a GC) lands on every contender alike instead of on whichever ran last.
/// </summary>
public static class Rounds
{
    public static void Interleave(int rounds, IReadOnlyList<(string Name, Action Run)> contenders, Action<string>? progress = null)
    {
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < contenders.Count; k++)
            {
                var (name, run) = contenders[(k + round) % contenders.Count];
                progress?.Invoke($"round {round + 1}/{rounds}: {name}");
                run();
            }
        }
    }
}
