using System.Net.Http;
using Saleschat.Mtls.Proxies;
using Xunit;

namespace Saleschat.Mtls.Tests.Proxies;

public sealed class CredentialRedactionTests
{
    [Theory]
    [InlineData("The proxy tunnel request to proxy 'http://alice:s3cret@127.0.0.1:3128/' failed with status code '407'.",
        "The proxy tunnel request to proxy 'http://127.0.0.1:3128/' failed with status code '407'.")]
    [InlineData("via https://user%40corp:p%3Aw@proxy:8443 and http://bob@other/", "via https://proxy:8443 and http://other/")]
    [InlineData("no address here", "no address here")]
    [InlineData("mail alice@example.com stays", "mail alice@example.com stays")]
    public void User_information_leaves_addresses_in_text(string text, string expected)
    {
        Assert.Equal(expected, CredentialRedaction.Text(text));
    }

    [Fact]
    public void A_chain_without_credentials_is_kept_as_it_is()
    {
        var original = new HttpRequestException("Connection refused (127.0.0.1:1)");

        Assert.Same(original, CredentialRedaction.Chain(original));
    }

    [Fact]
    public void A_chain_with_credentials_is_copied_with_every_message_cleaned()
    {
        var original = new InvalidOperationException("outer", new HttpRequestException("proxy 'http://alice:s3cret@h:1/' failed"));

        Exception clean = CredentialRedaction.Chain(original);

        Assert.DoesNotContain("s3cret", clean.ToString());
        Assert.Equal("proxy 'http://h:1/' failed", clean.InnerException!.Message);
        Assert.Equal(typeof(HttpRequestException).FullName, Assert.IsType<RedactedException>(clean.InnerException).OriginalType);
    }
}
