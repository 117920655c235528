using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Keys;
using Saleschat.Mtls.Rotation;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// Maintenance of a CA-issued pair: which pairs go through the CA, and the run's states as the CSR goes out and the
/// CA's reply comes back (a root and an intermediate made with .NET, the clock and the hello call under the test's control).
/// </summary>
public sealed class CertificateMaintenanceCaTests : IDisposable
{
    private static readonly CertificateSubject Subject = CertificateSubject.Parse("/O=Acme/CN=Acme-saleschat-mtls");
    private readonly TempFolder _folder = new();
    private readonly RotationPaths _paths;
    private readonly X509Certificate2 _root;
    private readonly X509Certificate2 _issuing;
    private DateTime _now = DateTime.UtcNow;
    private int _proofs;

    public CertificateMaintenanceCaTests()
    {
        _paths = new RotationPaths(_folder.File("client.crt"), _folder.File("client.key"));
        _root = Authority("CN=Acme Root CA, O=Acme", null);
        _issuing = Authority("CN=Acme Issuing CA, O=Acme", _root);

        // The pair in use: a 10-day leaf from the issuing CA, as a full-chain PEM beside its key.
        var key = RsaKeyGenerator.Generate(2048);
        ClientKeyFactory.WriteKeyFile(key, _paths.KeyPath, null, overwrite: false);
        X509Certificate2 leaf = Sign(CertificateRequestFactory.Create(key, Subject, null, false).Pem, days: 10);
        File.WriteAllText(_paths.CertificatePath, leaf.ExportCertificatePem() + "\n" + _issuing.ExportCertificatePem() + "\n");
    }

    public void Dispose()
    {
        _root.Dispose();
        _issuing.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void A_self_signed_certificate_is_not_CA_issued_and_one_from_a_CA_is()
    {
        var key = RsaKeyGenerator.Generate(2048);
        using X509Certificate2 selfSigned = ClientCertificateFactory.Create(key, Subject, 10, null, overwrite: false);
        using X509Certificate2 issued = X509Certificate2.CreateFromPem(File.ReadAllText(_paths.CertificatePath));

        Assert.False(CertificateOrigin.IsCaIssued(selfSigned));
        Assert.True(CertificateOrigin.IsCaIssued(issued));
        Assert.False(CertificateOrigin.IsCaIssued(_root));
    }

    [Fact]
    public void A_certificate_under_its_own_name_but_signed_by_a_CA_is_CA_issued()
    {
        // Issuer name = subject name, but the signature is the CA's: a self-signed successor would not chain to that CA.
        using RSA caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Acme-saleschat-mtls, O=Acme", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using RSA leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest("CN=Acme-saleschat-mtls, O=Acme", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 leaf = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), new byte[] { 7, 1 });

        Assert.Equal(leaf.Subject, leaf.Issuer);
        Assert.True(CertificateOrigin.IsCaIssued(leaf));
    }

    [Fact]
    public void A_self_signed_certificate_whose_authority_key_id_names_another_key_is_still_self_signed()
    {
        // Signed by its own key under its own name, but with an authority key identifier that is not its subject key
        // identifier (a template copied from a CA-issued certificate): the signature says who signed it, not the label.
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Acme-saleschat-mtls, O=Acme", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }));
        using X509Certificate2 selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));

        Assert.False(CertificateOrigin.IsCaIssued(selfSigned));
    }

    [Fact]
    public void Outside_the_window_a_CA_issued_pair_is_left_alone()
    {
        CertificateMaintenanceResult result = Run(renewBeforeDays: 5);

        Assert.Equal(CertificateMaintenanceState.NothingToDo, result.State);
        Assert.Null(result.RequestFile);
        Assert.Equal(new[] { "client.crt", "client.key" }, _folder.Names());
    }

    [Fact]
    public void Inside_the_window_it_sends_a_CSR_then_waits_then_takes_the_reply_with_the_current_chain_and_promotes_it()
    {
        string old = Thumbprint(_paths.CertificatePath);
        CertificateMaintenanceResult started = Run(renewBeforeDays: 30);

        Assert.Equal(CertificateMaintenanceState.ActionRequired, started.State);
        Assert.Equal(_paths.NextRequestPath, started.RequestFile);
        Assert.Equal(_folder.File("client.next.issued.pem"), started.IssuedCertificatePath);
        Assert.Equal(File.ReadAllText(_paths.NextRequestPath), started.Pem);
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", started.Pem);
        Assert.Null(started.UploadFile);
        Assert.Contains("to your CA", started.NextStep);
        Assert.Equal($"Complete-SaleschatCertificateRotation -CertificatePath '{_paths.CertificatePath}' -KeyPath '{_paths.KeyPath}' -IssuedCertificatePath '{started.IssuedCertificatePath}'", started.NextCommand);
        string[] lines = started.PersonLines();
        Assert.Contains("-----BEGIN CERTIFICATE REQUEST-----", lines);
        Assert.Equal(started.NextCommand, lines[^1]);
        Assert.All(lines.SkipWhile(l => !l.StartsWith("-----BEGIN")).TakeWhile(l => !l.StartsWith("-----END")), l => Assert.True(l.Length <= 64));
        Assert.Equal(new[] { "client.crt", "client.key", "client.next.csr", "client.next.key" }, _folder.Names());
        Assert.Equal(0, _proofs);

        // The next key's request: signed by that key, for the same subject.
        var request = CertificateRequest.LoadSigningRequestPem(started.Pem, HashAlgorithmName.SHA256);
        Assert.Equal(X509Certificate2.CreateFromPem(File.ReadAllText(_paths.CertificatePath)).SubjectName.Name, request.SubjectName.Name);

        CertificateMaintenanceResult waiting = Run(renewBeforeDays: 30);
        Assert.Equal(CertificateMaintenanceState.WaitingForUpload, waiting.State);
        Assert.Equal(started.Pem, waiting.Pem);
        Assert.Contains("Waiting for the CA's certificate", waiting.NextStep);
        Assert.Equal(0, _proofs);

        // The CA returns the lone certificate (no chain): the chain of the pair in use is its chain.
        X509Certificate2 reply = Sign(started.Pem, days: 200);
        File.WriteAllText(started.IssuedCertificatePath, reply.ExportCertificatePem());
        CertificateMaintenanceResult done = Run(renewBeforeDays: 30, MtlsDiagnosis.Success);

        Assert.Equal(CertificateMaintenanceState.Completed, done.State);
        Assert.Equal(1, _proofs);
        Assert.Equal(reply.Thumbprint, done.Thumbprint);
        Assert.Equal(old, done.PreviousThumbprint);
        Assert.Null(done.RequestFile);
        var promoted = new X509Certificate2Collection();
        promoted.ImportFromPemFile(_paths.CertificatePath);
        Assert.Equal(new[] { reply.Thumbprint, _issuing.Thumbprint }, promoted.Select(c => c.Thumbprint));
        Assert.Equal(new[] { "client.crt", "client.key", "client.previous.crt", "client.previous.key" }, _folder.Names());
        Assert.Equal(CertificateMaintenanceState.NothingToDo, Run(renewBeforeDays: 30).State);
    }

    [Fact]
    public void A_reply_not_yet_accepted_waits_as_the_next_certificate_and_the_next_run_promotes_it()
    {
        CertificateMaintenanceResult started = Run(renewBeforeDays: 30);
        File.WriteAllText(started.IssuedCertificatePath, Sign(started.Pem, days: 200).ExportCertificatePem() + _issuing.ExportCertificatePem());

        CertificateMaintenanceResult refused = Run(renewBeforeDays: 30, MtlsDiagnosis.ClientCertificateRefused);

        Assert.Equal(CertificateMaintenanceState.WaitingForUpload, refused.State);
        Assert.Equal("ClientCertificateRefused", refused.ProofDiagnosis);
        Assert.Equal(_paths.NextCertificatePath, refused.UploadFile);
        Assert.Equal(new[] { "client.crt", "client.key", "client.next.crt", "client.next.csr", "client.next.key" }, _folder.Names());
        Assert.Equal(CertificateMaintenanceState.Completed, Run(renewBeforeDays: 30, MtlsDiagnosis.Success).State);
        Assert.Equal(2, _proofs);
    }

    [Fact]
    public void A_reply_for_another_key_is_CertificateKeyMismatch_and_nothing_moves()
    {
        CertificateMaintenanceResult started = Run(renewBeforeDays: 30);
        File.Copy(_paths.CertificatePath, started.IssuedCertificatePath);
        string[] before = _folder.Names();

        var ex = Assert.Throws<SaleschatException>(() => Run(renewBeforeDays: 30, MtlsDiagnosis.Success));

        Assert.Equal(ErrorIds.CertificateKeyMismatch, ex.ErrorId);
        Assert.Equal(before, _folder.Names());
        Assert.Equal(0, _proofs);
    }

    [Fact]
    public void A_reply_at_another_path_is_taken_from_there_and_left_in_place()
    {
        string elsewhere = _folder.File("from-the-ca.p7b.pem");
        CertificateMaintenanceResult started = Run(renewBeforeDays: 30, issuedPath: elsewhere);
        Assert.Equal(elsewhere, started.IssuedCertificatePath);
        File.WriteAllText(elsewhere, Sign(started.Pem, days: 200).ExportCertificatePem());

        Assert.Equal(CertificateMaintenanceState.Completed, Run(renewBeforeDays: 30, MtlsDiagnosis.Success, elsewhere).State);
        Assert.True(File.Exists(elsewhere));
    }

    [Fact]
    public void A_folder_given_as_the_reply_path_is_NotARegularFile_at_once_rather_than_waited_on_forever()
    {
        // "-IssuedCertificatePath /srv/ca-inbox/": no file will ever be there, and every run would report "waiting".
        string inbox = _folder.File("ca-inbox");
        Directory.CreateDirectory(inbox);

        var ex = Assert.Throws<SaleschatException>(() => Run(renewBeforeDays: 30, issuedPath: inbox));

        Assert.Equal(ErrorIds.NotARegularFile, ex.ErrorId);
        Assert.Contains(Path.Combine(inbox, "client.next.issued.pem"), ex.Message);
        Assert.Equal(new[] { "client.crt", "client.key" }, _folder.Names());
    }

    [Fact]
    public void A_stale_reply_at_the_agreed_path_is_removed_when_a_new_request_is_made()
    {
        File.Copy(_paths.CertificatePath, _paths.NextIssuedPath);

        CertificateMaintenanceResult started = Run(renewBeforeDays: 30);

        Assert.Equal(CertificateMaintenanceState.ActionRequired, started.State);
        Assert.False(File.Exists(_paths.NextIssuedPath));
    }

    [Fact]
    public void A_run_killed_after_the_next_key_makes_the_request_for_that_key_next_time()
    {
        // As a kill between the next key and its request leaves it: the key alone.
        RsaPrivateCrtKeyParameters nextKey = RsaKeyGenerator.Generate(2048);
        ClientKeyFactory.WriteKeyFile(nextKey, _paths.NextKeyPath, null, overwrite: false);

        CertificateMaintenanceResult result = Run(renewBeforeDays: 30);

        Assert.Equal(CertificateMaintenanceState.ActionRequired, result.State);
        var request = CertificateRequest.LoadSigningRequestPem(result.Pem, HashAlgorithmName.SHA256);
        Assert.Equal(RsaKeyConverter.PublicKeySha256(RsaKeyConverter.PublicOf(nextKey)), Sha256Hex(request.PublicKey.ExportSubjectPublicKeyInfo()));
        Assert.Equal(new[] { "client.crt", "client.key", "client.next.csr", "client.next.key" }, _folder.Names());
    }

    [Fact]
    public void A_run_killed_after_keeping_the_reply_promotes_it_next_time_and_removes_the_reply()
    {
        // As a kill between storing the reply as client.next.crt and removing it leaves it: both.
        CertificateMaintenanceResult started = Run(renewBeforeDays: 30);
        X509Certificate2 reply = Sign(started.Pem, days: 200);
        ClientChains.Attach(reply, new[] { _issuing });
        new RotationService().AcceptIssued(_paths, reply);
        File.WriteAllText(_paths.NextIssuedPath, reply.ExportCertificatePem());

        CertificateMaintenanceResult done = Run(renewBeforeDays: 30, MtlsDiagnosis.Success);

        Assert.Equal(CertificateMaintenanceState.Completed, done.State);
        Assert.Equal(reply.Thumbprint, done.Thumbprint);
        Assert.Equal(new[] { "client.crt", "client.key", "client.previous.crt", "client.previous.key" }, _folder.Names());
    }

    [Fact]
    public void A_promotion_removes_only_a_used_reply_and_keeps_another_file_at_the_agreed_path()
    {
        // The reply is kept as client.next.crt and waits for its upload; meanwhile another PFX (a CA portal's, with its
        // own key) is saved at the agreed path. It is not the certificate promoted: the promotion leaves it.
        CertificateMaintenanceResult started = Run(renewBeforeDays: 30);
        File.WriteAllText(started.IssuedCertificatePath, Sign(started.Pem, days: 200).ExportCertificatePem());
        Assert.Equal(CertificateMaintenanceState.WaitingForUpload, Run(renewBeforeDays: 30).State);
        using RSA otherKey = RSA.Create(2048);
        var otherRequest = new CertificateRequest("CN=Acme-saleschat-mtls, O=Acme", otherKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 other = Sign(otherRequest.CreateSigningRequestPem(), days: 200).CopyWithPrivateKey(otherKey);
        byte[] pfx = other.Export(X509ContentType.Pfx);
        File.WriteAllBytes(_paths.NextIssuedPath, pfx);

        Assert.Equal(CertificateMaintenanceState.Completed, Run(renewBeforeDays: 30, MtlsDiagnosis.Success).State);

        Assert.Equal(pfx, File.ReadAllBytes(_paths.NextIssuedPath));
    }

    [Fact]
    public void A_run_that_finds_the_lock_held_reports_a_request_out_as_waiting_and_changes_nothing()
    {
        Run(renewBeforeDays: 30);
        string[] before = _folder.Names();
        using (new RotationService().Lock(_paths))
        {
            CertificateMaintenanceResult looked = Run(renewBeforeDays: 30, MtlsDiagnosis.Success);

            Assert.True(looked.Locked);
            Assert.Equal(CertificateMaintenanceState.WaitingForUpload, looked.State);
        }

        Assert.Equal(before, _folder.Names());
        Assert.Equal(0, _proofs);
    }

    [Fact]
    public void Without_a_session_a_waiting_reply_is_NoSaleschatSession_and_nothing_moves()
    {
        CertificateMaintenanceResult started = Run(renewBeforeDays: 30);
        File.WriteAllText(started.IssuedCertificatePath, Sign(started.Pem, days: 200).ExportCertificatePem());
        string[] before = _folder.Names();

        var ex = Assert.Throws<SaleschatException>(() => new CertificateMaintenance(utcNow: () => _now).Run(_paths, null, 30, null));

        Assert.Equal(ErrorIds.NoSaleschatSession, ex.ErrorId);
        Assert.Equal(before, _folder.Names());
    }

    [Fact]
    public void About_to_expire_with_only_a_request_out_is_Expired_and_says_to_send_it()
    {
        _now = DateTime.UtcNow.AddDays(9.9);
        CertificateMaintenanceResult result = Run(renewBeforeDays: 30);

        Assert.Equal(CertificateMaintenanceState.Expired, result.State);
        Assert.Equal(_paths.NextRequestPath, result.RequestFile);
        Assert.Contains($"send {_paths.NextRequestPath} to your CA", result.NextStep);
    }

    private CertificateMaintenanceResult Run(int renewBeforeDays, MtlsDiagnosis answer = MtlsDiagnosis.ClientCertificateRefused, string? issuedPath = null) =>
        new CertificateMaintenance(utcNow: () => _now).Run(_paths, null, renewBeforeDays, next =>
        {
            _proofs++;
            return new MtlsTestResult { Diagnosis = answer, Thumbprint = next.Thumbprint };
        }, null, issuedPath);

    private static X509Certificate2 Authority(string subject, X509Certificate2? issuer)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        if (issuer == null)
        {
            return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(400));
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using X509Certificate2 signed = request.Create(issuer, now.AddDays(-1), now.AddDays(300), new byte[] { 1, 2, 3 });
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>The issuing CA signs a CSR, keeping its requested extensions (openssl x509 -req -copy_extensions copy).</summary>
    private X509Certificate2 Sign(string csrPem, int days)
    {
        var request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_issuing, true, false));
        byte[] serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        return request.Create(_issuing, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(days), serial);
    }

    private static string Sha256Hex(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    private static string Thumbprint(string path) => X509Certificate2.CreateFromPem(File.ReadAllText(path)).Thumbprint;
}
