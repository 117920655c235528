using System;
using System.Net;

namespace Saleschat.Mtls.Proxies
{
    /// <summary>A proxy address as shown to people (never with user:password) and the credential it may carry.</summary>
    public static class ProxyAddress
    {
        /// <summary>The address without its user information: http://user:pass@proxy:3128/ → http://proxy:3128/.</summary>
        public static Uri WithoutUserInfo(Uri address)
        {
            if (address == null || !address.IsAbsoluteUri || string.IsNullOrEmpty(address.UserInfo))
            {
                return address;
            }

            return new UriBuilder(address) { UserName = string.Empty, Password = string.Empty }.Uri;
        }

        /// <summary>The address as text a person may see: absolute ones without user information, others redacted.</summary>
        public static string Display(Uri address)
        {
            if (address == null)
            {
                return string.Empty;
            }

            return address.IsAbsoluteUri ? WithoutUserInfo(address).AbsoluteUri : Secrets.PlatformMessage.Redact(address.OriginalString);
        }

        /// <summary>
        /// The user:password of an address, percent-decoded as curl and .NET's HTTPS_PROXY reader decode them
        /// (dotnet/runtime src/libraries/System.Net.Http/src/System/Net/Http/SocketsHttpHandler/HttpEnvironmentProxy.cs,
        /// GetUriFromString), or null when it has none.
        /// </summary>
        public static NetworkCredential CredentialIn(Uri address)
        {
            string userInfo = address?.IsAbsoluteUri == true ? address.UserInfo : null;
            if (string.IsNullOrEmpty(userInfo))
            {
                return null;
            }

            int colon = userInfo.IndexOf(':');
            string user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo.Substring(0, colon));
            string password = colon < 0 ? string.Empty : Uri.UnescapeDataString(userInfo.Substring(colon + 1));
            int slash = user.IndexOf('\\');
            return slash > 0
                ? new NetworkCredential(user.Substring(slash + 1), password, user.Substring(0, slash))
                : new NetworkCredential(user, password);
        }
    }
}
