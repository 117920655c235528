using System.Net.Http;

namespace Saleschat.Mtls.Proxies
{
    /// <summary>
    /// A proxy's own answer that came back as if it were the host's. .NET Framework's HttpClientHandler returns the
    /// WebException's response as the HttpResponseMessage (referencesource System/net/System/Net/Http/HttpClientHandler.cs,
    /// HandleAsyncException and TryGetExceptionResponse), so a 407 to CONNECT can arrive as a "response"; .NET 6+
    /// throws instead (dotnet/runtime#48679). Raised so both platforms take the same path to the same diagnosis.
    /// </summary>
    public sealed class ProxyAnswerException : HttpRequestException
    {
        public ProxyAnswerException(int statusCode, string challenge)
            : base($"The proxy answered {statusCode}.")
        {
            StatusCode = statusCode;
            Challenge = challenge;
        }

        public int StatusCode { get; }

        /// <summary>The schemes the proxy asked for (Proxy-Authenticate), cleaned, or null.</summary>
        public string Challenge { get; }
    }
}
