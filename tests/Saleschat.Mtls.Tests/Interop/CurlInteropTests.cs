using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Interop;

/// <summary>
/// The files our cmdlets write are the files Saleschat's documentation hands to curl:
/// <c>curl --cert saleschat-client.crt --key saleschat-client.key https://mtls…/v4/orgs/ORG/mtls/hello</c>.
/// </summary>
public sealed class CurlInteropTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Theory]
    [InlineData(null, "HTTP/2")]
    [InlineData("--http1.1", "HTTP/1.1")]
    public void Curl_gets_hello_world_with_the_key_and_certificate_our_cmdlets_made(string? protocolOption, string protocol)
    {
        using var dir = new TempFolder();
        string ca = WriteEmulatorCa(dir);

        var (exitCode, output) = Curl.Run(dir.Path,
            [.. protocolOption is null ? [] : new[] { protocolOption },
             "--cert", fixture.CertificatePath, "--key", fixture.KeyPath, "--cacert", ca, HelloUri()]);

        Assert.True(exitCode == 0, $"curl failed ({exitCode}): {output}");
        Assert.Equal("Hello, world!", output.TrimEnd('\n'));
        Assert.Equal(protocol, fixture.Emulator.LastProtocol);
    }

    [Fact]
    public void Curl_opens_an_encrypted_key_with_its_password()
    {
        using var dir = new TempFolder();
        string key = dir.File("enc.key"), certificate = dir.File("enc.crt");
        const string password = "Corr3ct-horse battery";
        fixture.Engine.RunOk(
            "New-SaleschatClientKey -Path $k -Password $pw | New-SaleschatClientCertificate -Organization Acme -Path $c | Out-Null",
            ("k", key), ("c", certificate), ("pw", TestSecrets.Secure(password)));
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", File.ReadAllText(key));
        fixture.Emulator.Upload(File.ReadAllText(certificate)); // pasted into Settings > mTLS

        var (exitCode, output) = Curl.Run(dir.Path,
            "--cert", certificate, "--key", key, "--pass", password, "--cacert", WriteEmulatorCa(dir), HelloUri());

        Assert.True(exitCode == 0, $"curl failed ({exitCode}): {output}");
        Assert.Equal("Hello, world!", output.TrimEnd('\n'));
    }

    [Fact]
    public void Curl_with_a_wrong_password_cannot_use_the_encrypted_key()
    {
        using var dir = new TempFolder();
        string key = dir.File("enc.key"), certificate = dir.File("enc.crt");
        fixture.Engine.RunOk("New-SaleschatClientKey -Path $k -Password $pw | New-SaleschatClientCertificate -Organization Acme -Path $c | Out-Null",
            ("k", key), ("c", certificate), ("pw", TestSecrets.Secure("the-right-one")));
        fixture.Emulator.Upload(File.ReadAllText(certificate));

        var (exitCode, _) = Curl.Run(dir.Path, "--cert", certificate, "--key", key, "--pass", "the-wrong-one", "--cacert", WriteEmulatorCa(dir), HelloUri());

        Assert.Equal(58, exitCode); // CURLE_SSL_CERTPROBLEM: the key could not be loaded
    }

    private string HelloUri() => new Uri(fixture.Emulator.BaseUri, "v4/orgs/org-1/mtls/hello").AbsoluteUri;

    private string WriteEmulatorCa(TempFolder dir)
    {
        string path = dir.File("ca.pem");
        File.WriteAllText(path, fixture.Emulator.CaPem);
        return path;
    }
}
