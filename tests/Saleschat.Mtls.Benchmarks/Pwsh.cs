using System.Diagnostics;
using System.Text.Json;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// The pinned pwsh 7.6.9 (the repository's .NET tool), started as <c>dotnet &lt;pwsh.dll&gt; -NoProfile</c> — the real
/// process, not the tool's launcher (which would add its own start-up and leave a child behind when killed).
/// </summary>
public sealed class Pwsh(string dll)
{
    public string Dll { get; } = dll;

    public static Pwsh Locate(string? given)
    {
        if (given != null)
        {
            return File.Exists(given) ? new Pwsh(given) : throw new FileNotFoundException($"No pwsh.dll at {given}.");
        }

        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string version = PinnedVersion();
        string platform = OperatingSystem.IsWindows() ? "win" : "unix";
        string dll = Path.Combine(packages, "powershell", version, "tools", "net10.0", "any", platform, "pwsh.dll");
        return File.Exists(dll) ? new Pwsh(dll) : throw new FileNotFoundException($"pwsh {version} is not restored ({dll}): run dotnet tool restore.");
    }

    /// <summary>The version pinned in .config/dotnet-tools.json, found upwards from the current directory.</summary>
    private static string PinnedVersion()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir != null; dir = dir.Parent)
        {
            string manifest = Path.Combine(dir.FullName, ".config", "dotnet-tools.json");
            if (File.Exists(manifest))
            {
                using var json = JsonDocument.Parse(File.ReadAllText(manifest));
                return json.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
            }
        }

        return "7.6.9";
    }

    public string[] CommandLine(params string[] arguments) => [Dll, "-NoProfile", "-NonInteractive", .. arguments];

    /// <summary>Runs <c>pwsh -File script args</c>; returns the JSON of every <c>BENCH {json}</c> line it printed.</summary>
    public List<JsonElement> RunFile(string script, IEnumerable<string> arguments, IDictionary<string, string> environment, TimeSpan limit)
    {
        string output = Processes.Run("dotnet", CommandLine(["-File", script, .. arguments]), limit, environment);
        return output.Split('\n')
            .Where(l => l.StartsWith("BENCH ", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l["BENCH ".Length..]).RootElement.Clone())
            .ToList();
    }

    /// <summary>The wall time of <c>pwsh -Command command</c>, from start to exit, in ms.</summary>
    public double TimeCommand(string command, IDictionary<string, string> environment)
    {
        var watch = Stopwatch.StartNew();
        Processes.Run("dotnet", CommandLine("-Command", command), TimeSpan.FromMinutes(2), environment);
        return watch.Elapsed.TotalMilliseconds;
    }
}
