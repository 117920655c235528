using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Saleschat.Mtls.Host;

/// <summary>One runspace with the module imported, running scripts as a user would type them.</summary>
public sealed class ScriptRunner : IDisposable
{
    private readonly Runspace _runspace;

    /// <param name="host">Where formatted output goes.</param>
    /// <param name="manifestPath">The module to import; the built out/Saleschat.Mtls by default.</param>
    public ScriptRunner(TextHost host, string? manifestPath = null)
    {
        Host = host;
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(new[] { manifestPath ?? ModuleLocator.ManifestPath() });
        _runspace = RunspaceFactory.CreateRunspace(host, state);
        _runspace.Open();
    }

    public TextHost Host { get; }

    public Runspace Runspace => _runspace;

    public void SetVariable(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    /// <summary>Runs <paramref name="script"/>; output objects are returned, every stream is kept.</summary>
    public ScriptResult Run(string script) => Invoke(ps => ps.AddScript(script));

    /// <summary>Runs a .ps1 file with named parameters, rendering its output through Out-Default.</summary>
    public ScriptResult RunFile(string path, IDictionary<string, object?> parameters) =>
        Invoke(ps => ps.AddCommand(path).AddParameters((System.Collections.IDictionary)parameters).AddCommand("Out-Default"));

    private ScriptResult Invoke(Action<PowerShell> build)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        build(ps);
        Collection<PSObject> output;
        var errors = new List<ErrorRecord>();
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            output = new Collection<PSObject>();
            errors.Add(ex.ErrorRecord);
        }

        // Copy the streams: disposing the PowerShell instance clears them.
        errors.InsertRange(0, ps.Streams.Error);
        return new ScriptResult(
            output,
            errors,
            ps.Streams.Warning.Select(w => w.Message).ToList(),
            ps.Streams.Verbose.Select(v => v.Message).ToList(),
            ps.Streams.Debug.Select(d => d.Message).ToList(),
            ps.Streams.Information.Select(i => i.MessageData?.ToString() ?? string.Empty).ToList());
    }

    public void Dispose() => _runspace.Dispose();
}

/// <summary>What a script produced, stream by stream.</summary>
public sealed record ScriptResult(
    Collection<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Verbose,
    IReadOnlyList<string> Debug,
    IReadOnlyList<string> Information);
