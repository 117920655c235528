using System.Management.Automation;
using System.Text;
using Saleschat.Mtls.Host;

namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>
/// A real PowerShell engine with the built module imported from out/, as a user would import it.
/// Host output (Out-Default, warnings, verbose through the host) is captured for secret scans.
/// </summary>
public sealed class Engine : IDisposable
{
    private readonly StringWriter _hostOutput = new();
    private readonly ScriptRunner _runner;

    public Engine()
    {
        _runner = new ScriptRunner(new TextHost(_hostOutput));
    }

    public string HostOutput => _hostOutput.ToString();

    public ScriptRunner Runner => _runner;

    public ScriptResult Run(string script, params (string Name, object? Value)[] variables)
    {
        foreach (var (name, value) in variables)
        {
            _runner.SetVariable(name, value);
        }

        return _runner.Run(script);
    }

    /// <summary>Runs a script that must succeed; fails the test with the error records otherwise.</summary>
    public IReadOnlyList<PSObject> RunOk(string script, params (string Name, object? Value)[] variables)
    {
        ScriptResult result = Run(script, variables);
        if (result.Errors.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("Script failed:\n" + string.Join("\n", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        }

        return result.Output;
    }

    /// <summary>Everything a user could see: output rendered by the format views, every stream, every error.</summary>
    public string EverythingVisible(ScriptResult result)
    {
        var sb = new StringBuilder(HostOutput);
        foreach (var o in result.Output) sb.AppendLine(o?.ToString());
        foreach (var e in result.Errors) sb.AppendLine(e.ToString()).AppendLine(e.Exception?.ToString()).AppendLine(e.ErrorDetails?.Message);
        foreach (var line in result.Verbose.Concat(result.Warnings).Concat(result.Debug).Concat(result.Information)) sb.AppendLine(line);
        return sb.ToString();
    }

    public void Dispose() => _runner.Dispose();
}
