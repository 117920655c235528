namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>One engine per test class: starting one costs about a third of a second.</summary>
public sealed class EngineFixture : IDisposable
{
    public Engine Engine { get; } = new();

    public void Dispose() => Engine.Dispose();
}
