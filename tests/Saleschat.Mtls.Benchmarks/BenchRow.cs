namespace Saleschat.Mtls.Benchmarks;

/// <summary>One measured thing: a sample per round, summarised as median, min and max.</summary>
public sealed class BenchRow(string id, string group, string description, string unit)
{
    public string Id { get; } = id;

    public string Group { get; } = group;

    public string Description { get; } = description;

    public string Unit { get; } = unit;

    public List<double> Samples { get; } = [];

    public double Median => Percentile(0.5);

    public double Min => Samples.Count == 0 ? double.NaN : Samples.Min();

    public double Max => Samples.Count == 0 ? double.NaN : Samples.Max();

    public void Add(double sample) => Samples.Add(sample);

    private double Percentile(double p)
    {
        if (Samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = Samples.Order().ToArray();
        double rank = p * (sorted.Length - 1);
        int low = (int)Math.Floor(rank), high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
