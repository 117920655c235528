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

    [Theory]
    [InlineData("/CN=a\u0000b", "U+0000")]
    [InlineData("/CN=a\r\nb", "U+000D")]
    [InlineData("/CN=a\tb", "U+0009")]
    [InlineData("/CN=a\u001b[31m", "U+001B")]
    [InlineData("/CN=a\u0085b", "U+0085")]
    [InlineData("/CN=invoice\u202Etxt.exe", "U+202E")]
    [InlineData("/O=a\u2066b", "U+2066")]
    [InlineData("/O=a\u200Fb", "U+200F")]
    [InlineData("/O=a\u061Cb", "U+061C")]
    public void Control_bidi_and_broken_characters_are_refused(string text, string code)
    {
        var ex = Assert.Throws<SaleschatException>(() => CertificateSubject.Parse(text));
        Assert.Equal(ErrorIds.InvalidSubject, ex.ErrorId);
        Assert.Contains(code, ex.Message);
        // The target shows the character as a code, so printing the error replays nothing to the terminal.
        Assert.DoesNotContain(text.Substring(text.IndexOf('=') + 1), (string)ex.Target!);
    }

    [Fact]
    public void The_documented_parts_are_checked_too()
    {
        Assert.Throws<SaleschatException>(() => CertificateSubject.FromParts("Acme\u202E", null, null, null, null, null));
        Assert.Throws<SaleschatException>(() => CertificateSubject.FromParts("Acme", "a\nb", null, null, null, null));
    }

    [Fact]
    public void An_unpaired_surrogate_is_refused()
    {
        // Built here: a test attribute's string would carry it as U+FFFD.
        var ex = Assert.Throws<SaleschatException>(() => CertificateSubject.Parse("/O=a" + (char)0xD800 + "b"));
        Assert.Contains("U+D800", ex.Message);
    }

    [Fact]
    public void A_surrogate_pair_is_text_not_an_error()
    {
        Assert.Equal("Acme \U0001F600", CertificateSubject.Parse("/O=Acme \U0001F600").ToX509Name().GetValueList(X509Name.O).Single());
    }

    [Theory]
    [InlineData("/C=IN/CN=x", "2.5.4.6", Org.BouncyCastle.Asn1.Asn1Tags.PrintableString)]
    [InlineData("/serialNumber=AB-12/CN=x", "2.5.4.5", Org.BouncyCastle.Asn1.Asn1Tags.PrintableString)]
    [InlineData("/serialNumber=Zo\u00eb_1/CN=x", "2.5.4.5", Org.BouncyCastle.Asn1.Asn1Tags.Utf8String)]
    [InlineData("/emailAddress=a@b.example/CN=x", "1.2.840.113549.1.9.1", Org.BouncyCastle.Asn1.Asn1Tags.IA5String)]
    [InlineData("/emailAddress=zo\u00eb@b.example/CN=x", "1.2.840.113549.1.9.1", Org.BouncyCastle.Asn1.Asn1Tags.Utf8String)]
    [InlineData("/O=Acme/CN=x", "2.5.4.10", Org.BouncyCastle.Asn1.Asn1Tags.Utf8String)]
    [InlineData("/CN=#0403616263", "2.5.4.3", Org.BouncyCastle.Asn1.Asn1Tags.Utf8String)]
    public void Each_attribute_gets_a_string_type_that_holds_its_value(string text, string oid, int tag)
    {
        var name = X509Name.GetInstance(CertificateSubject.Parse(text).ToX509Name().GetDerEncoded());
        var sequence = (Org.BouncyCastle.Asn1.Asn1Sequence)name.ToAsn1Object();
        foreach (Org.BouncyCastle.Asn1.Asn1Set rdn in sequence)
        {
            var attribute = (Org.BouncyCastle.Asn1.Asn1Sequence)rdn[0];
            if (attribute[0].ToString() != oid) continue;
            Assert.Equal(tag, attribute[1].ToAsn1Object().GetEncoded()[0]);
            string value = ((Org.BouncyCastle.Asn1.IAsn1String)attribute[1]).GetString();
            Assert.DoesNotContain("?", value);
            Assert.Equal(text.Substring(text.IndexOf('=') + 1, text.IndexOf("/CN=x", StringComparison.Ordinal) is var end and > 0 ? end - text.IndexOf('=') - 1 : text.Length - text.IndexOf('=') - 1), value);
            return;
        }

        Assert.Fail($"{oid} not found in {text}");
    }

    [Fact]
    public void A_renewal_keeps_the_old_subject_byte_for_byte()
    {
        // An old certificate from another tool: CN as PrintableString, which a rebuild would write as UTF8String.
        var original = new X509Name(new[] { X509Name.CN }.ToList(), new[] { "Acme" }.ToList(), new PrintableEverything());
        byte[] der = original.GetDerEncoded();
        Assert.Equal(der, CertificateSubject.FromDistinguishedName(der).ToX509Name().GetDerEncoded());
    }

    private sealed class PrintableEverything : X509NameEntryConverter
    {
        public override Org.BouncyCastle.Asn1.Asn1Object GetConvertedValue(Org.BouncyCastle.Asn1.DerObjectIdentifier oid, string value) =>
            new Org.BouncyCastle.Asn1.DerPrintableString(value);
    }
}
