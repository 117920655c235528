using System.Management.Automation;
using Saleschat.Emulator;
using Xunit;

namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>
/// A running Saleschat emulator, an engine with the module, and a client certificate made by our own
/// cmdlets and "uploaded" to the emulator; $session is the engine's default session.
/// </summary>
public class EmulatorFixture : IAsyncLifetime
{
    public const string ApiKey = "sk_test_Zq8vB3nR7tLx2PwK9mYc";

    protected virtual EmulatorOptions Options() => new() { ApiKey = ApiKey };

    public SaleschatEmulator Emulator { get; private set; } = null!;

    public Engine Engine { get; } = new();

    public TempFolder Folder { get; } = new();

    public string CertificatePath => Folder.File("client.crt");

    public string KeyPath => Folder.File("client.key");

    public PSObject Session { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await SaleschatEmulator.StartAsync(Options());
        var certificate = Engine.RunOk(
            "New-SaleschatClientKey -Path $k | New-SaleschatClientCertificate -Organization Acme -Path $c",
            ("k", KeyPath), ("c", CertificatePath)).Single();
        Emulator.Upload((System.Security.Cryptography.X509Certificates.X509Certificate2)certificate.BaseObject);
        Session = NewSession();
    }

    /// <summary>A session to the emulator; becomes the default session of the fixture's engine.</summary>
    public PSObject NewSession(string extra = "", string? orgId = "org-1") =>
        Engine.RunOk($"New-SaleschatSession -BaseUri $uri -OrgId $org -ApiKey $key -CertificatePath $c -KeyPath $k -ServerCertificateAuthority $ca -RetryIntervalSec 0 {extra}",
            ("uri", Emulator.BaseUri), ("org", orgId), ("key", TestSecrets.Secure(ApiKey)), ("c", CertificatePath), ("k", KeyPath), ("ca", Emulator.CaCertificate)).Single();

    public async Task DisposeAsync()
    {
        Engine.Dispose();
        await Emulator.DisposeAsync();
        Folder.Dispose();
    }
}

public sealed class Http403EmulatorFixture : EmulatorFixture
{
    protected override EmulatorOptions Options() => new() { ApiKey = ApiKey, Refusal = RefusalMode.Http403 };
}
