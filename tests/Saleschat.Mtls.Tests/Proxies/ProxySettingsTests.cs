using System.Net;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Proxies;
using Xunit;

namespace Saleschat.Mtls.Tests.Proxies;

/// <summary>Invoke-RestMethod's rules for its proxy parameters, and a user:password in -Proxy taken out of the address.</summary>
public sealed class ProxySettingsTests
{
    private static readonly Uri Proxy = new("http://proxy.example:3128/");

    [Fact]
    public void Nothing_asked_is_the_default()
    {
        Assert.Same(ProxySettings.Default, ProxySettings.Create(null, null, false, false));
    }

    public static TheoryData<string, Uri?, NetworkCredential?, bool, bool> Conflicts => new()
    {
        { "-NoProxy with -Proxy", Proxy, null, false, true },
        { "-NoProxy with default credentials", null, null, true, true },
        { "-ProxyCredential without -Proxy", null, new NetworkCredential("u", "p"), false, false },
        { "-ProxyUseDefaultCredentials without -Proxy", null, null, true, false },
        { "both kinds of credential", Proxy, new NetworkCredential("u", "p"), true, false },
        { "credentials twice", new Uri("http://u:p@proxy.example:3128/"), new NetworkCredential("v", "q"), false, false },
        { "not an http proxy", new Uri("ftp://proxy.example/"), null, false, false },
        { "a socks proxy (not supported by netstandard2.0's handler)", new Uri("socks5://proxy.example:1080/"), null, false, false },
    };

    [Theory]
    [MemberData(nameof(Conflicts))]
    public void Conflicting_settings_are_refused_with_one_id(string why, Uri? proxy, NetworkCredential? credential, bool useDefault, bool noProxy)
    {
        var error = Assert.Throws<SaleschatException>(() => ProxySettings.Create(proxy, credential, useDefault, noProxy));
        Assert.Equal(ErrorIds.InvalidProxySetting, error.ErrorId);
        Assert.DoesNotContain(":p@", error.Message);
        Assert.False(string.IsNullOrEmpty(why));
    }

    [Fact]
    public void A_password_in_the_address_becomes_the_credential_and_leaves_the_address()
    {
        ProxySettings settings = ProxySettings.Create(new Uri("http://alice:s%40cret%3Apw@proxy.example:3128/"), null, false, false);

        Assert.Equal("http://proxy.example:3128/", settings.Proxy.AbsoluteUri);
        Assert.True(settings.HasCredential);
        Assert.Equal("alice", settings.Credential.UserName);
        Assert.Equal("s@cret:pw", settings.Credential.Password);
        Assert.DoesNotContain("cret", settings.ToString());
    }

    [Fact]
    public void A_domain_user_in_the_address_keeps_its_domain()
    {
        ProxySettings settings = ProxySettings.Create(new Uri("http://CORP%5Calice:pw@proxy.example:8080/"), null, false, false);

        Assert.Equal("CORP", settings.Credential.Domain);
        Assert.Equal("alice", settings.Credential.UserName);
    }

    [Fact]
    public void NoProxy_alone_is_direct()
    {
        ProxySettings settings = ProxySettings.Create(null, null, false, true);

        Assert.True(settings.NoProxy);
        Assert.Null(settings.Proxy);
    }
}
