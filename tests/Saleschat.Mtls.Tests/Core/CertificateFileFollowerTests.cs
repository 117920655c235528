using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Keys;
using Saleschat.Mtls.Sessions;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>A session made from files takes a pair promoted on disk, only once it loads whole, and looks only now and then.</summary>
public sealed class CertificateFileFollowerTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _crt;
    private readonly string _key;

    public CertificateFileFollowerTests()
    {
        _crt = _folder.File("client.crt");
        _key = _folder.File("client.key");
        WritePair(_crt, _key);
    }

    public void Dispose() => _folder.Dispose();

    private static string WritePair(string crt, string key)
    {
        var rsa = RsaKeyGenerator.Generate(2048);
        ClientKeyFactory.WriteKeyFile(rsa, key, null, overwrite: true);
        using X509Certificate2 certificate = ClientCertificateFactory.Create(rsa, CertificateSubject.Parse("/O=Acme/CN=Acme-saleschat-mtls"), 30, crt, overwrite: true);
        return certificate.Thumbprint;
    }

    private static string Thumbprint(string path) => X509Certificate2.CreateFromPem(File.ReadAllText(path)).Thumbprint;

    [Fact]
    public void Unchanged_files_give_nothing_and_a_promoted_pair_is_taken_once_whole()
    {
        string current = Thumbprint(_crt);
        var follower = new CertificateFileFollower(_crt, _key, null);
        var log = new List<string>();
        Assert.Null(follower.Changed(current, force: true, log.Add));

        // Half-way through a promotion: the key moved, the certificate not yet. Nothing is taken, and it says why.
        string nextCrt = _folder.File("client.next.crt"), nextKey = _folder.File("client.next.key");
        string next = WritePair(nextCrt, nextKey);
        File.Copy(nextKey, _key, overwrite: true);
        Assert.Null(follower.Changed(current, force: true, log.Add));
        Assert.Contains(log, l => l.Contains("do not load as a pair yet") && l.Contains(current));

        File.Copy(nextCrt, _crt, overwrite: true);
        using X509Certificate2? promoted = follower.Changed(current, force: true, log.Add);
        Assert.NotNull(promoted);
        Assert.Equal(next, promoted!.Thumbprint);
        Assert.True(promoted.HasPrivateKey);

        // Once switched, the same files are not news.
        Assert.Null(follower.Changed(next, force: true, log.Add));
    }

    [Fact]
    public void Between_looks_nothing_is_read_unless_forced()
    {
        string current = Thumbprint(_crt);
        string nextCrt = _folder.File("client.next.crt"), nextKey = _folder.File("client.next.key");
        WritePair(nextCrt, nextKey);
        var follower = new CertificateFileFollower(_crt, _key, null);
        File.Copy(nextKey, _key, overwrite: true);
        File.Copy(nextCrt, _crt, overwrite: true);

        Assert.Null(follower.Changed(current, force: false, null)); // within the interval (3 s) after creation
        using X509Certificate2? forced = follower.Changed(current, force: true, null);
        Assert.NotNull(forced);
    }
}
