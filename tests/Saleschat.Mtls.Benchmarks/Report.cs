using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>The rows and targets of one run, printed as a table and written as markdown and JSON.</summary>
public sealed class Report
{
    private readonly List<BenchRow> _rows = [];

    public IReadOnlyList<BenchRow> Rows => _rows;

    public List<TargetResult> Targets { get; } = [];

    /// <summary>Lines comparing this build with a --baseline build (not targets).</summary>
    public List<string> Comparisons { get; } = [];

    /// <summary>For the targets that fail: the floor measured in the same run that stops them, one line each.</summary>
    public List<string> Floors { get; } = [];

    public BenchRow Row(string id, string group, string description, string unit)
    {
        BenchRow? row = _rows.Find(r => r.Id == id);
        if (row == null)
        {
            row = new BenchRow(id, group, description, unit);
            _rows.Add(row);
        }

        return row;
    }

    public bool Has(string id) => _rows.Exists(r => r.Id == id && r.Samples.Count > 0);

    public BenchRow this[string id] => _rows.Find(r => r.Id == id) ?? throw new KeyNotFoundException(id);

    public string Table(string machine)
    {
        var text = new StringBuilder();
        text.AppendLine(machine);
        text.AppendLine($"{"median",9} {"min",9} {"max",9} {"n",2} {"unit",-11} row");
        foreach (BenchRow row in _rows)
        {
            text.AppendLine($"{F(row.Median),9} {F(row.Min),9} {F(row.Max),9} {row.Samples.Count,2} {row.Unit,-11} {row.Id}: {row.Description}");
        }

        text.AppendLine();
        foreach (TargetResult target in Targets)
        {
            text.AppendLine($"{(target.Pass ? "PASS" : "FAIL")}  {target.Name}: {target.Detail}");
        }

        foreach (string line in Floors)
        {
            text.AppendLine($"FLOOR  {line}");
        }

        foreach (string line in Comparisons)
        {
            text.AppendLine($"BEFORE/AFTER  {line}");
        }

        return text.ToString();
    }

    public string Markdown(string machine)
    {
        var text = new StringBuilder("# Saleschat.Mtls benchmark\n\n");
        text.AppendLine($"`{machine.Replace("\n", " | ")}`").AppendLine();
        text.AppendLine("| row | id | unit | median | min | max | rounds |").AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: |");
        foreach (BenchRow row in _rows)
        {
            text.AppendLine($"| {row.Description} | `{row.Id}` | {row.Unit} | {F(row.Median)} | {F(row.Min)} | {F(row.Max)} | {row.Samples.Count} |");
        }

        text.AppendLine().AppendLine("| target | result | detail |").AppendLine("| --- | --- | --- |");
        foreach (TargetResult target in Targets)
        {
            text.AppendLine($"| {target.Name} | {(target.Pass ? "PASS" : "FAIL")} | {target.Detail} |");
        }

        if (Floors.Count > 0)
        {
            text.AppendLine().AppendLine("Where a target fails, the floor that stops it (same run, median per-round ratios):").AppendLine();
            foreach (string line in Floors)
            {
                text.AppendLine($"- {line}");
            }
        }

        if (Comparisons.Count > 0)
        {
            text.AppendLine().AppendLine("Before/after (this build against --baseline, same run, median per-round ratios):").AppendLine();
            foreach (string line in Comparisons)
            {
                text.AppendLine($"- {line}");
            }
        }

        return text.ToString();
    }

    public string Json(string machine, BenchOptions options) => JsonSerializer.Serialize(new
    {
        machine,
        options,
        rows = _rows.Select(r => new { r.Id, r.Group, r.Description, r.Unit, median = r.Median, min = r.Min, max = r.Max, samples = r.Samples }),
        targets = Targets.Select(t => new { t.Name, t.Pass, t.Detail }),
        floors = Floors,
    }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    private static string F(double value) => double.IsNaN(value) ? "-" : value.ToString(value >= 100 ? "0" : "0.0#", CultureInfo.InvariantCulture);
}

public sealed record TargetResult(string Name, bool Pass, string Detail);
