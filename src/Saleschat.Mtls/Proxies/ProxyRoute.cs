using System;
using System.Net;

namespace Saleschat.Mtls.Proxies
{
    /// <summary>
    /// How a session reaches its host: straight, or through which proxy. Built once per session from its
    /// <see cref="ProxySettings"/>; the transport gives <see cref="UseProxy"/> and <see cref="Proxy"/> to its handler.
    /// </summary>
    /// <remarks>
    /// Precedence, as Invoke-RestMethod has it: -NoProxy (straight, whatever the environment says), else -Proxy (with
    /// -ProxyCredential, a user:password in its address, or -ProxyUseDefaultCredentials), else the process's default
    /// proxy (<see cref="DefaultProxySource"/>). Only the API host's https address matters: every request goes there.
    /// </remarks>
    public sealed class ProxyRoute
    {
        private ProxyRoute(bool useProxy, IWebProxy proxy, Uri via, string description, bool hasCredential)
        {
            UseProxy = useProxy;
            Proxy = proxy;
            Via = via;
            Description = description;
            HasCredential = hasCredential;
        }

        /// <summary>For HttpClientHandler.UseProxy: false only for -NoProxy.</summary>
        public bool UseProxy { get; }

        /// <summary>For HttpClientHandler.Proxy: the -Proxy one, or null for the platform's default.</summary>
        public IWebProxy Proxy { get; }

        /// <summary>The proxy the host is reached through (never with user information), or null when straight.</summary>
        public Uri Via { get; }

        /// <summary>Whether a proxy is between the client and the host.</summary>
        public bool InUse => Via != null;

        /// <summary>Whether credentials go to the proxy (given ones, a user:password in HTTPS_PROXY, or default ones).</summary>
        public bool HasCredential { get; }

        /// <summary>What the session's view shows: the proxy's address and where it came from, or "direct".</summary>
        public string Description { get; }

        public static ProxyRoute For(ProxySettings settings, Uri host) => For(settings, host, DefaultProxySource.Current, DefaultProxySource.Origin);

        /// <param name="settings">The session's proxy settings (null: the default ones).</param>
        /// <param name="host">The API host's address.</param>
        /// <param name="defaultProxy">The platform's default proxy (tests pass their own), or null for none.</param>
        /// <param name="defaultOrigin">Where the default proxy comes from, for the description.</param>
        public static ProxyRoute For(ProxySettings settings, Uri host, IWebProxy defaultProxy, string defaultOrigin)
        {
            settings = settings ?? ProxySettings.Default;
            if (settings.NoProxy)
            {
                return new ProxyRoute(false, null, null, "direct (-NoProxy)", false);
            }

            if (settings.Proxy != null)
            {
                // BypassProxyOnLocal false and no bypass list: -Proxy means this proxy, as Invoke-RestMethod's does.
                var proxy = new WebProxy(settings.Proxy, false);
                if (settings.UseDefaultCredentials)
                {
                    proxy.UseDefaultCredentials = true;
                }
                else if (settings.Credential != null)
                {
                    proxy.Credentials = settings.Credential;
                }

                bool hasCredential = settings.HasCredential || settings.UseDefaultCredentials;
                return new ProxyRoute(true, proxy, settings.Proxy, settings.Proxy.AbsoluteUri + " (-Proxy)", hasCredential);
            }

            Uri via = DefaultVia(defaultProxy, host);
            if (via == null)
            {
                return new ProxyRoute(true, null, null, "direct", false);
            }

            bool environmentCredential = !string.IsNullOrEmpty(via.UserInfo) || defaultProxy?.Credentials != null;
            Uri shown = ProxyAddress.WithoutUserInfo(via);
            return new ProxyRoute(true, null, shown, $"{shown.AbsoluteUri} ({defaultOrigin})", environmentCredential);
        }

        /// <summary>The address of the proxy's default route to the host, or null when it goes straight there.</summary>
        private static Uri DefaultVia(IWebProxy proxy, Uri host)
        {
            if (proxy == null)
            {
                return null;
            }

            try
            {
                if (proxy.IsBypassed(host))
                {
                    return null;
                }

                Uri via = proxy.GetProxy(host);

                // Both platforms answer "no proxy" with null or with the host's own address (WebProxy.GetProxy).
                return via == null || Uri.Compare(via, host, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0 ? null : via;
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is NotSupportedException || ex is WebException || ex is System.ComponentModel.Win32Exception)
            {
                // A proxy auto-config script that fails: the handler will meet the same failure and name it.
                return null;
            }
        }

        public override string ToString() => Description;
    }
}
