using System.Text;
using Saleschat.Mtls.Certificates;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class CertificatePemTests
{
    private const string Pem = "-----BEGIN CERTIFICATE-----\nAQIDBA==\n-----END CERTIFICATE-----\n";

    private static string B64(string text, bool wrap) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text), wrap ? Base64FormattingOptions.InsertLineBreaks : Base64FormattingOptions.None);

    [Fact]
    public void Unwrap_leaves_PEM_as_it_is()
    {
        Assert.Same(Pem, CertificatePem.Unwrap(Pem));
        Assert.Null(CertificatePem.Unwrap(null!));
    }

    [Fact]
    public void Unwrap_decodes_base64_of_PEM_on_one_line_wrapped_CRLF_or_LF_and_padded_with_whitespace()
    {
        string longPem = "-----BEGIN CERTIFICATE-----\n" + new string('A', 400) + "\n-----END CERTIFICATE-----\n";
        Assert.Equal(longPem, CertificatePem.Unwrap(B64(longPem, wrap: false)));
        string wrapped = B64(longPem, wrap: true);
        Assert.Contains("\r\n", wrapped);
        Assert.Equal(longPem, CertificatePem.Unwrap(wrapped));
        Assert.Equal(longPem, CertificatePem.Unwrap(wrapped.Replace("\r\n", "\n")));
        Assert.Equal(longPem, CertificatePem.Unwrap("  " + B64(longPem, false) + "\n"));
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("aGVsbG8gd29ybGQ=")] // base64 of "hello world": not PEM
    [InlineData("")]
    public void Unwrap_returns_other_text_unchanged(string text)
    {
        Assert.Equal(text, CertificatePem.Unwrap(text));
    }

    [Fact]
    public void Encode_writes_64_character_lines_like_openssl()
    {
        byte[] der = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
        string pem = CertificatePem.Encode(der);
        string[] lines = pem.TrimEnd('\n').Split('\n');
        Assert.Equal("-----BEGIN CERTIFICATE-----", lines[0]);
        Assert.Equal("-----END CERTIFICATE-----", lines[^1]);
        Assert.All(lines[1..^2], l => Assert.Equal(64, l.Length));
        Assert.Equal(der, CertificatePem.FirstCertificateDer(pem));
    }

    [Fact]
    public void FirstCertificateDer_finds_the_block_inside_other_text_and_CRLF()
    {
        string text = "subject=CN=x\r\nissuer=CN=x\r\n" + Pem.Replace("\n", "\r\n") + Pem.Replace("AQIDBA==", "BQYH");
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, CertificatePem.FirstCertificateDer(text));
        Assert.Null(CertificatePem.FirstCertificateDer("no certificate here"));
        Assert.Null(CertificatePem.FirstCertificateDer(null!));
    }
}
