using Xunit;

namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>
/// Sets process environment variables for one test and puts the old values back afterwards. Environment
/// variables are process-wide: tests using this belong to <see cref="ProcessEnvironmentCollection"/>.
/// </summary>
public sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> _saved = new();

    /// <param name="variables">Name and value; a null value removes the variable for the test.</param>
    public EnvironmentScope(params (string Name, string? Value)[] variables)
    {
        foreach (var (name, value) in variables)
        {
            _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }
}

/// <summary>Tests that change process environment variables: they run alone, never beside another test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment variables";
}
