using System;
using System.Net.Http;
using Saleschat.Mtls.Secrets;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class PlatformMessageTests
{
    [Theory]
    [InlineData("The proxy tunnel request to proxy 'http://user:S3cret@proxy.corp:3128/' failed with status code '403'.",
        "The proxy tunnel request to proxy 'http://proxy.corp:3128/' failed with status code '403'.")]
    [InlineData("proxy http://svc%40corp:p%40ss@10.0.0.1:8080 refused", "proxy http://10.0.0.1:8080 refused")]
    [InlineData("at http://u:p@ss@proxy/ and https://a:b@c.example/x", "at http://proxy/ and https://c.example/x")]
    [InlineData("socks5://only-user@host:1080", "socks5://host:1080")]
    [InlineData("via https://user%40corp:p%3Aw@proxy:8443 and http://bob@other/", "via https://proxy:8443 and http://other/")]
    public void Userinfo_is_removed_from_every_uri(string text, string expected) =>
        Assert.Equal(expected, PlatformMessage.Redact(text));

    [Theory]
    [InlineData("Connection refused (127.0.0.1:443)")]
    [InlineData("mail me at ops@example.com, see https://example.com/a@b")]
    [InlineData("")]
    [InlineData(null)]
    public void Text_without_credentials_is_kept(string? text)
    {
        string? kept = PlatformMessage.Redact(text!);
        if (text != null && text.Contains("https://example.com/a@b", StringComparison.Ordinal))
        {
            Assert.Contains("https://example.com/a@b", kept); // '@' after the host is a path, not userinfo
        }
        else
        {
            Assert.Equal(text, kept);
        }
    }

    [Fact]
    public void An_exception_chain_is_copied_without_the_credentials_and_keeps_what_failed()
    {
        var inner = new System.IO.IOException("The proxy tunnel request to proxy 'http://user:S3cret@proxy:3128/' failed with status code '403'.");
        var outer = new HttpRequestException("The SSL connection could not be established, see inner exception.", inner);

        Exception scrubbed = PlatformMessage.Scrubbed(outer);

        Assert.DoesNotContain("S3cret", scrubbed.ToString());
        Assert.DoesNotContain("user:", scrubbed.ToString());
        Assert.Contains("System.IO.IOException", scrubbed.ToString());
        Assert.Contains("http://proxy:3128/", scrubbed.InnerException!.Message);
    }

    [Fact]
    public void An_exception_without_credentials_is_kept_as_it_is()
    {
        var plain = new HttpRequestException("Connection refused");
        Assert.Same(plain, PlatformMessage.Scrubbed(plain));
    }
}
