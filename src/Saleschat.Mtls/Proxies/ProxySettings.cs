using System;
using System.Net;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Proxies
{
    /// <summary>
    /// The proxy a session was asked to use, with Invoke-RestMethod's names and rules: -Proxy, -ProxyCredential,
    /// -ProxyUseDefaultCredentials, -NoProxy. None of them: the environment or the system proxy decides.
    /// </summary>
    /// <remarks>
    /// The credential is private: this object is reachable from error records (a session setting as the target
    /// object), so nothing public may hand out a NetworkCredential, whose Password property is plain text.
    /// </remarks>
    public sealed class ProxySettings
    {
        private readonly NetworkCredential _credential;

        private ProxySettings(Uri proxy, NetworkCredential credential, bool useDefaultCredentials, bool noProxy)
        {
            Proxy = proxy;
            _credential = credential;
            UseDefaultCredentials = useDefaultCredentials;
            NoProxy = noProxy;
        }

        /// <summary>Nothing asked: the environment (HTTPS_PROXY, ALL_PROXY, NO_PROXY) or the system proxy decides.</summary>
        public static ProxySettings Default { get; } = new ProxySettings(null, null, false, false);

        /// <summary>The -Proxy address without any user:password in it, or null.</summary>
        public Uri Proxy { get; }

        public bool UseDefaultCredentials { get; }

        public bool NoProxy { get; }

        /// <summary>Whether a user name and password go to the proxy (from -ProxyCredential or the -Proxy address).</summary>
        public bool HasCredential => _credential != null;

        internal NetworkCredential Credential => _credential;

        /// <summary>
        /// Checks the combination as Invoke-RestMethod does: -ProxyCredential and -ProxyUseDefaultCredentials need
        /// -Proxy and exclude each other; -NoProxy excludes all three. A user:password in the -Proxy address (as in
        /// HTTPS_PROXY) is taken as its credential and removed from the address, so it is never shown.
        /// </summary>
        public static ProxySettings Create(Uri proxy, NetworkCredential credential, bool useDefaultCredentials, bool noProxy)
        {
            if (noProxy && (proxy != null || credential != null || useDefaultCredentials))
            {
                throw Invalid("-NoProxy cannot be combined with -Proxy, -ProxyCredential or -ProxyUseDefaultCredentials: choose a proxy or none.");
            }

            if (proxy == null && (credential != null || useDefaultCredentials))
            {
                throw Invalid("-ProxyCredential and -ProxyUseDefaultCredentials need -Proxy: name the proxy they are for.");
            }

            if (credential != null && useDefaultCredentials)
            {
                throw Invalid("Use -ProxyCredential or -ProxyUseDefaultCredentials, not both.");
            }

            if (proxy == null)
            {
                return noProxy ? new ProxySettings(null, null, false, true) : Default;
            }

            if (!proxy.IsAbsoluteUri || (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(proxy.Host))
            {
                throw Invalid($"-Proxy '{ProxyAddress.Display(proxy)}' is not an http:// or https:// proxy address, e.g. http://proxy.example.com:3128.");
            }

            NetworkCredential fromAddress = ProxyAddress.CredentialIn(proxy);
            if (fromAddress != null && (credential != null || useDefaultCredentials))
            {
                throw Invalid("The -Proxy address holds a user name and password: leave them out of it when -ProxyCredential or -ProxyUseDefaultCredentials is given.");
            }

            return new ProxySettings(ProxyAddress.WithoutUserInfo(proxy), credential ?? fromAddress, useDefaultCredentials, false);
        }

        /// <summary>Names the proxy settings given, never the credential.</summary>
        public override string ToString() =>
            NoProxy ? "-NoProxy" : Proxy == null ? "(environment)" : Proxy.AbsoluteUri + (HasCredential ? " with a credential" : UseDefaultCredentials ? " with default credentials" : string.Empty);

        private static SaleschatException Invalid(string message) =>
            new SaleschatException(ErrorIds.InvalidProxySetting, ErrorKind.InvalidArgument, message, "Proxy");
    }
}
