using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>A certificate in CurrentUser\My for the length of a test (on Linux .NET keeps that store under ~/.dotnet).</summary>
public sealed class StoreEntry : IDisposable
{
    private readonly X509Store _store = new(StoreName.My, StoreLocation.CurrentUser);

    public StoreEntry(X509Certificate2 certificate)
    {
        Certificate = certificate;
        _store.Open(OpenFlags.ReadWrite);
        _store.Add(certificate);
    }

    public X509Certificate2 Certificate { get; }

    public void Dispose()
    {
        _store.Remove(Certificate);
        _store.Dispose();
    }
}
