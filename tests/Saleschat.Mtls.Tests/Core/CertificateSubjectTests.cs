using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.X509;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class CertificateSubjectTests
{
    /// <summary>The name as .NET reads it back from DER: what ends up in the certificate.</summary>
    private static string Der(CertificateSubject subject) => new X500DistinguishedName(subject.ToX509Name().GetDerEncoded()).Name;

    [Fact]
    public void The_documented_form_from_an_organization()
    {
        var subject = CertificateSubject.FromParts("Acme", null, null, null, null, null);
        Assert.Equal("CN=Acme-saleschat-mtls, OU=Technology, O=Acme", Der(subject));
        Assert.Equal("/O=Acme/OU=Technology/CN=Acme-saleschat-mtls", subject.ToString());
    }

    [Fact]
    public void Every_part_in_the_order_openssl_req_encodes()
    {
        var subject = CertificateSubject.FromParts(" Acme ", null, null, "Mumbai", "Maharashtra", "IN");
        Assert.Equal("/C=IN/ST=Maharashtra/L=Mumbai/O=Acme/OU=Technology/CN=Acme-saleschat-mtls", subject.ToString());
    }

    [Fact]
    public void A_default_common_name_without_an_organization()
    {
        Assert.Equal("/OU=Technology/CN=" + CertificateSubject.DefaultCommonName, CertificateSubject.FromParts(null, null, null, null, null, null).ToString());
        Assert.Equal("/O=Acme/OU=Ops/CN=client-1", CertificateSubject.FromParts("Acme", "client-1", "Ops", null, null, null).ToString());
    }

    [Theory]
    [InlineData("/C=IN/ST=Maharashtra/L=Mumbai/O=Acme/OU=Technology/CN=Acme-saleschat-mtls")]
    [InlineData("CN=Acme-saleschat-mtls, OU=Technology, O=Acme, L=Mumbai, ST=Maharashtra, C=IN")]
    [InlineData("CN=Acme-saleschat-mtls,OU=Technology,O=Acme,L=Mumbai,S=Maharashtra,C=IN")]
    [InlineData("  /c=IN/st=Maharashtra/l=Mumbai/o=Acme/ou=Technology/cn=Acme-saleschat-mtls  ")]
    public void Both_forms_give_the_same_name(string text)
    {
        Assert.Equal("/C=IN/ST=Maharashtra/L=Mumbai/O=Acme/OU=Technology/CN=Acme-saleschat-mtls", CertificateSubject.Parse(text).ToString());
    }

    [Theory]
    [InlineData(@"CN=Acme\, Inc-saleschat-mtls, O=Acme\, Inc", "Acme, Inc")]
    [InlineData(@"/O=Acme\/Inc/CN=Acme-saleschat-mtls", "Acme/Inc")]
    [InlineData(@"/O=R\&D=Labs/CN=x", "R&D=Labs")]
    [InlineData("/O=Müller GmbH/CN=x", "Müller GmbH")]
    public void Escapes_and_non_ASCII_values(string text, string organization)
    {
        var name = CertificateSubject.Parse(text).ToX509Name();
        Assert.Equal(organization, name.GetValueList(X509Name.O).Single());
    }

    [Fact]
    public void The_subject_NET_prints_for_a_certificate_parses_back_to_the_same_name()
    {
        // Rotation and scripts pass $cert.Subject back in: .NET quotes values that hold a comma.
        var original = CertificateSubject.Parse(@"/C=IN/O=Acme, Inc/OU=Technology/CN=Acme, Inc-saleschat-mtls");
        var x500 = new X500DistinguishedName(original.ToX509Name().GetDerEncoded());
        Assert.Equal("CN=\"Acme, Inc-saleschat-mtls\", OU=Technology, O=\"Acme, Inc\", C=IN", x500.Name);

        Assert.Equal(original.ToString(), CertificateSubject.Parse(x500.Name).ToString());
    }

    [Theory]
    [InlineData("/C=IN/X=what/CN=Acme", "'X' is not a known attribute")]
    [InlineData("/C=India/CN=Acme", "two-letter")]
    [InlineData("/C=I1/CN=Acme", "two-letter")]
    [InlineData("/CN=", "CN has no value")]
    [InlineData("CN", "KEY=value")]
    [InlineData("CN=\"Acme, O=Acme", "no closing quote")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    public void Invalid_subjects_say_why(string text, string why)
    {
        var ex = Assert.Throws<SaleschatException>(() => CertificateSubject.Parse(text));
        Assert.Equal(ErrorIds.InvalidSubject, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(why, ex.Message);
    }

    [Fact]
    public void A_value_longer_than_the_X520_limit_is_refused()
    {
        var ex = Assert.Throws<SaleschatException>(() => CertificateSubject.FromParts(new string('a', 65), "cn", null, null, null, null));
        Assert.Contains("longer than 64", ex.Message);
    }
}
