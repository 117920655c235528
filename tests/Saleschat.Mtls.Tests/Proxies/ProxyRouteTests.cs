using System.Net;
using Saleschat.Mtls.Proxies;
using Xunit;

namespace Saleschat.Mtls.Tests.Proxies;

/// <summary>
/// The precedence: -NoProxy, else -Proxy, else the platform's default proxy (given here as a WebProxy with a bypass
/// list, standing in for HttpClient.DefaultProxy, which is read once per process and so is proven in a child pwsh).
/// </summary>
public sealed class ProxyRouteTests
{
    private static readonly Uri Host = new("https://mtls.apis.t.saleschat.pro/");
    private static readonly WebProxy Environment = new(new Uri("http://env-proxy.example:3128/"));

    [Fact]
    public void NoProxy_goes_straight_whatever_the_environment_says()
    {
        ProxyRoute route = ProxyRoute.For(ProxySettings.Create(null, null, false, true), Host, Environment, "HTTPS_PROXY");

        Assert.False(route.UseProxy);
        Assert.False(route.InUse);
        Assert.Equal("direct (-NoProxy)", route.Description);
    }

    [Fact]
    public void Proxy_wins_over_the_environment_and_carries_the_credential()
    {
        var settings = ProxySettings.Create(new Uri("http://bob:pw@given.example:8080/"), null, false, false);
        ProxyRoute route = ProxyRoute.For(settings, Host, Environment, "HTTPS_PROXY");

        var proxy = Assert.IsType<WebProxy>(route.Proxy);
        Assert.Equal(new Uri("http://given.example:8080/"), proxy.Address);
        Assert.False(proxy.BypassProxyOnLocal);
        Assert.Equal("bob", proxy.Credentials!.GetCredential(proxy.Address!, "Basic")!.UserName);
        Assert.Equal("http://given.example:8080/ (-Proxy)", route.Description);
        Assert.True(route.HasCredential);
    }

    [Fact]
    public void Default_credentials_go_to_the_given_proxy()
    {
        ProxyRoute route = ProxyRoute.For(ProxySettings.Create(new Uri("http://given.example:8080/"), null, true, false), Host, Environment, "x");

        Assert.True(Assert.IsType<WebProxy>(route.Proxy).UseDefaultCredentials);
        Assert.True(route.HasCredential);
    }

    [Fact]
    public void Without_settings_the_default_proxy_is_shown_and_left_to_the_handler()
    {
        ProxyRoute route = ProxyRoute.For(ProxySettings.Default, Host, Environment, "HTTPS_PROXY");

        Assert.True(route.UseProxy);
        Assert.Null(route.Proxy);
        Assert.Equal(new Uri("http://env-proxy.example:3128/"), route.Via);
        Assert.Equal("http://env-proxy.example:3128/ (HTTPS_PROXY)", route.Description);
    }

    [Fact]
    public void A_password_in_the_default_proxy_is_never_shown()
    {
        var withPassword = new WebProxy(new Uri("http://carol:hunter2@env-proxy.example:3128/"));
        ProxyRoute route = ProxyRoute.For(ProxySettings.Default, Host, withPassword, "HTTPS_PROXY");

        Assert.DoesNotContain("hunter2", route.Description);
        Assert.DoesNotContain("carol", route.Description);
        Assert.True(route.HasCredential);
    }

    [Fact]
    public void A_bypassed_host_goes_straight()
    {
        var bypassing = new WebProxy(new Uri("http://env-proxy.example:3128/"), false, new[] { @"mtls\.apis\.t\.saleschat\.pro" });
        ProxyRoute route = ProxyRoute.For(ProxySettings.Default, Host, bypassing, "HTTPS_PROXY");

        Assert.False(route.InUse);
        Assert.Equal("direct", route.Description);
    }

    [Fact]
    public void No_default_proxy_is_direct()
    {
        Assert.Equal("direct", ProxyRoute.For(null, Host, null, "x").Description);
    }
}
