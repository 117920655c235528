using System;
using System.Net;
using System.Net.Http;
using System.Reflection;

namespace Saleschat.Mtls.Proxies
{
    /// <summary>
    /// The proxy HttpClientHandler uses when it is given none (UseProxy true, Proxy null): read here only to show it,
    /// never to change it. It differs by platform, and is read once per process on both.
    /// </summary>
    /// <remarks>
    /// - .NET (PowerShell 7): HttpClient.DefaultProxy, created once per process from HTTPS_PROXY/https_proxy (https
    ///   requests), ALL_PROXY/all_proxy, and NO_PROXY/no_proxy, or on Windows, when none of those is set, from the
    ///   WinINET/WinHTTP settings (dotnet/runtime src/libraries/System.Net.Http/src/System/Net/Http/HttpClient.cs,
    ///   DefaultProxy; SocketsHttpHandler/HttpEnvironmentProxy.cs; SocketsHttpHandler/SystemProxyInfo.cs). NO_PROXY
    ///   entries match a host, a suffix (".example.com" or "example.com" matches sub.example.com), and "*" for all.
    /// - .NET Framework (Windows PowerShell 5.1): WebRequest.DefaultWebProxy, from the &lt;defaultProxy&gt; config
    ///   section, by default the user's WinINET ("Internet Options") proxy and bypass list; HTTPS_PROXY and NO_PROXY
    ///   are not read at all (referencesource System/net/System/Net/WebRequest.cs, InternalDefaultWebProxy, and
    ///   System/net/System/Net/Configuration/DefaultProxySection.cs). Its credentials are not sent unless asked
    ///   (useDefaultCredentials="false" by default), so an NTLM/Negotiate proxy answers 407.
    /// netstandard2.0 cannot name HttpClient.DefaultProxy, so it is found at run time; where it does not exist (.NET
    /// Framework), WebRequest.DefaultWebProxy is what HttpWebRequest, and so HttpClientHandler, uses
    /// (referencesource System/net/System/Net/Http/HttpClientHandler.cs, SendAsync).
    /// </remarks>
    public static class DefaultProxySource
    {
        private static readonly PropertyInfo HttpClientDefaultProxy =
            typeof(HttpClient).GetProperty("DefaultProxy", BindingFlags.Public | BindingFlags.Static);

        /// <summary>The process's default proxy, or null when the platform has none.</summary>
        public static IWebProxy Current
        {
            get
            {
                try
                {
                    return HttpClientDefaultProxy != null ? (IWebProxy)HttpClientDefaultProxy.GetValue(null) : WebRequest.DefaultWebProxy;
                }
                catch (Exception)
                {
                    // A broken <defaultProxy> section (.NET Framework) or proxy environment: shown as none here; the
                    // handler meets the same problem on the first request and it is named there.
                    return null;
                }
            }
        }

        /// <summary>Where the default proxy comes from on this platform, for the session's view and the messages.</summary>
        public static string Origin => HttpClientDefaultProxy != null
            ? "HTTPS_PROXY/ALL_PROXY" + (Http.Transport.TlsPlatform.IsWindows ? " or the system proxy" : string.Empty)
            : "the system proxy (Internet Options)";
    }
}
