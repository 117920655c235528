using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Pkcs;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// The chain of a CA's reply: the leaf found whatever the order, its issuers in path order, strays refused, the
/// missing issuer named, and each CA certificate checked. Certificates are made in memory with .NET.
/// </summary>
public sealed class ChainAssemblerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static X509Certificate2 Ca(string name, X509Certificate2? issuer, DateTimeOffset notBefore, DateTimeOffset notAfter, bool isCa = true)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        if (issuer == null)
        {
            return request.CreateSelfSigned(notBefore, notAfter);
        }

        // Signed through a generator: .NET's Create(issuerCertificate, …) refuses an issuer that is not a CA, which one case needs.
        using RSA issuerKey = issuer.GetRSAPrivateKey()!;
        using X509Certificate2 issued = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1),
            notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }

    private sealed class Pki
    {
        public X509Certificate2 Root { get; } = Ca("CN=Test Root", null, Now.AddDays(-200), Now.AddDays(400));
        public X509Certificate2 Issuing { get; }
        public X509Certificate2 Leaf { get; }

        public Pki(int issuingDays = 300, int leafDays = 100, bool issuingIsCa = true)
        {
            Issuing = Ca("CN=Test Issuing", Root, Now.AddDays(-1), Now.AddDays(issuingDays), issuingIsCa);
            Leaf = Ca("CN=leaf", Issuing, Now.AddDays(-1), Now.AddDays(leafDays), isCa: false);
        }
    }

    private static byte[][] Der(params X509Certificate2[] certificates) => certificates.Select(c => c.RawData).ToArray();

    [Fact]
    public void The_leaf_is_found_in_any_order_and_its_issuers_come_in_path_order()
    {
        var pki = new Pki();
        foreach (byte[][] order in new[] { Der(pki.Leaf, pki.Issuing, pki.Root), Der(pki.Root, pki.Leaf, pki.Issuing), Der(pki.Issuing, pki.Root, pki.Leaf) })
        {
            (byte[] leaf, X509Certificate2[] issuers) = ChainAssembler.Assemble(order, null, "test");
            Assert.Equal(pki.Leaf.RawData, leaf);
            Assert.Equal(new[] { pki.Issuing.Thumbprint, pki.Root.Thumbprint }, issuers.Select(c => c.Thumbprint));
        }
    }

    [Fact]
    public void A_separate_chain_joins_the_leaf_and_duplicates_are_dropped()
    {
        var pki = new Pki();
        (byte[] _, X509Certificate2[] issuers) = ChainAssembler.Assemble(Der(pki.Leaf, pki.Issuing), Der(pki.Root, pki.Issuing), "test");
        Assert.Equal(new[] { pki.Issuing.Thumbprint, pki.Root.Thumbprint }, issuers.Select(c => c.Thumbprint));
    }

    [Fact]
    public void A_certificate_off_the_path_is_refused_naming_it()
    {
        var pki = new Pki();
        var other = new Pki();
        var gap = Assert.Throws<SaleschatException>(() => ChainAssembler.Assemble(Der(pki.Leaf, pki.Root), null, "test"));
        Assert.Equal(ErrorIds.ChainDoesNotMatchCertificate, gap.ErrorId);
        Assert.Contains("CN=Test Root", gap.Message);

        var foreign = Assert.Throws<SaleschatException>(() => ChainAssembler.Assemble(Der(pki.Leaf), Der(other.Issuing), "test"));
        Assert.Equal(ErrorIds.ChainDoesNotMatchCertificate, foreign.ErrorId);
    }

    [Fact]
    public void Two_end_entity_certificates_are_refused()
    {
        var pki = new Pki();
        var second = Ca("CN=second leaf", pki.Issuing, Now.AddDays(-1), Now.AddDays(10), isCa: false);
        var error = Assert.Throws<SaleschatException>(() => ChainAssembler.Assemble(Der(pki.Leaf, second, pki.Issuing), null, "test"));
        Assert.Equal(ErrorIds.ChainDoesNotMatchCertificate, error.ErrorId);
        Assert.Contains("end-entity", error.Message);
    }

    [Fact]
    public void The_missing_issuer_is_the_first_one_not_given_and_none_once_a_self_signed_root_is_reached()
    {
        var pki = new Pki();
        Assert.Equal(pki.Issuing.Subject, ChainAssembler.MissingIssuer(pki.Leaf, Array.Empty<X509Certificate2>()));
        Assert.Equal(pki.Root.Subject, ChainAssembler.MissingIssuer(pki.Leaf, new[] { pki.Issuing }));
        Assert.Null(ChainAssembler.MissingIssuer(pki.Leaf, new[] { pki.Issuing, pki.Root }));
        Assert.Null(ChainAssembler.MissingIssuer(pki.Root, Array.Empty<X509Certificate2>()));
    }

    [Fact]
    public void The_checks_name_an_expired_intermediate_one_that_is_no_CA_and_one_that_expires_first()
    {
        var expired = new Pki();
        var expiredIssuing = Ca("CN=Old Issuing", expired.Root, Now.AddDays(-100), Now.AddDays(-10));
        Assert.Equal(CheckOutcome.Failed, Outcome(expired.Leaf, new[] { expiredIssuing, expired.Root }, ChainInspector.ChainValidityCheck));

        var notCa = new Pki(issuingIsCa: false);
        Assert.Equal(CheckOutcome.Failed, Outcome(notCa.Leaf, new[] { notCa.Issuing, notCa.Root }, ChainInspector.ChainAuthorityCheck));

        var early = new Pki(issuingDays: 30, leafDays: 100);
        Assert.Equal(CheckOutcome.Warning, Outcome(early.Leaf, new[] { early.Issuing, early.Root }, ChainInspector.ChainExpiryCheck));

        var good = new Pki();
        List<CertificateCheck> checks = ChainInspector.Check(good.Leaf, new[] { good.Issuing, good.Root }, DateTime.UtcNow);
        Assert.All(checks, check => Assert.Equal(CheckOutcome.Passed, check.Outcome));
        Assert.Equal(CheckOutcome.Failed, Outcome(good.Leaf, Array.Empty<X509Certificate2>(), ChainInspector.ChainCompleteCheck));
        Assert.Equal(CheckOutcome.Warning, Outcome(good.Leaf, new[] { good.Issuing }, ChainInspector.ChainCompleteCheck));
    }

    private static CheckOutcome Outcome(X509Certificate2 leaf, X509Certificate2[] issuers, string name) =>
        ChainInspector.Check(leaf, issuers, DateTime.UtcNow).Single(check => check.Name == name).Outcome;

    [Fact]
    public void The_CSR_verifies_and_requests_the_client_auth_profile_as_dotnet_reads_it()
    {
        using RSA rsa = RSA.Create(2048);
        var key = Keys.RsaKeyConverter.ToBouncyCastle(rsa.ExportParameters(true));
        Pkcs10CertificationRequest request = CertificateRequestBuilder.Build(key, CertificateSubject.FromParts("Acme", null, null, null, null, "IN"));
        Assert.True(request.Verify());

        CertificateRequest loaded = CertificateRequest.LoadSigningRequestPem(
            CertificateRequestBuilder.ToPem(request), HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Equal("CN=Acme-saleschat-mtls, OU=Technology, O=Acme, C=IN", loaded.SubjectName.Name);
        var eku = loaded.CertificateExtensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal("1.3.6.1.5.5.7.3.2", Assert.Single(eku.EnhancedKeyUsages.Cast<Oid>()).Value);
        var usage = loaded.CertificateExtensions.OfType<X509KeyUsageExtension>().Single();
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, usage.KeyUsages);
        Assert.False(loaded.CertificateExtensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }
}
