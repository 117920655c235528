using System;
using System.Reflection;
using System.Threading;

namespace Saleschat.Mtls.Http.Transport
{
    /// <summary>
    /// The HTTP/2 → HTTP/1.1 fallback of one session: whether its host asked for HTTP/1.1, and how to tell that it did.
    /// </summary>
    /// <remarks>
    /// An HTTP/2 server that cannot serve a request over HTTP/2 resets its stream (or ends the connection with
    /// GOAWAY) with HTTP_1_1_REQUIRED, 0xd (RFC 9113 §7, §9.2.1). Apache's mod_http2 does this wherever a client
    /// certificate is asked for per path (`SSLVerifyClient require` in a &lt;Location&gt;): asking needs TLS
    /// renegotiation or TLS 1.3 post-handshake authentication, which HTTP/2 forbids (RFC 9113 §9.2.1, §9.2.3).
    /// The server has not processed the request (a reset stream, or one above a GOAWAY's last stream id, was not
    /// acted on: RFC 9113 §8.1, §6.8), so sending it again over HTTP/1.1 is safe for every method, POST included,
    /// as curl does ("Downgrades to HTTP/1.1"). .NET does not do this itself, even with RequestVersionOrLower.
    /// On .NET Framework every request is HTTP/1.1 already (TlsPlatform.RequestVersion), so this never fires there.
    /// </remarks>
    public sealed class Http11Fallback
    {
        /// <summary>HTTP_1_1_REQUIRED (RFC 9113 §7).</summary>
        public const long Http11RequiredCode = 0xd;

        // The name is fixed by RFC 9113 and dotnet/runtime prints it unlocalized: "The HTTP/2 server reset the stream.
        // HTTP/2 error code 'HTTP_1_1_REQUIRED' (0xd)." (HttpProtocolException.GetName, net_http_http2_stream_error);
        // .NET 6 had no public exception type for it (the internal Http2StreamException), only this message.
        private const string Http11RequiredName = "HTTP_1_1_REQUIRED";

        // .NET 7+ puts an HttpProtocolException with the frame's error code under the HttpRequestException
        // (dotnet/runtime src/libraries/System.Net.Http/src/System/Net/Http/HttpProtocolException.cs, ErrorCode);
        // netstandard2.0 cannot name that type, so its long ErrorCode is read by reflection.
        private const string ProtocolExceptionType = "System.Net.Http.HttpProtocolException";

        // An exception chain is the runtime's, but bound the walk anyway.
        private const int MaximumDepth = 16;

        private int _required;

        /// <summary>True once the host asked for HTTP/1.1: every later request of the session goes over HTTP/1.1.</summary>
        public bool IsRequired => Volatile.Read(ref _required) != 0;

        /// <summary>Keeps the session on HTTP/1.1 from now on; true only for the call that switched it (to say so once).</summary>
        public bool Require() => Interlocked.Exchange(ref _required, 1) == 0;

        /// <summary>Whether an exception chain is an HTTP/2 reset or GOAWAY with HTTP_1_1_REQUIRED.</summary>
        public static bool IsRequiredBy(Exception exception)
        {
            int depth = 0;
            for (Exception e = exception; e != null && depth < MaximumDepth; e = e.InnerException, depth++)
            {
                if (ErrorCodeOf(e) == Http11RequiredCode)
                {
                    return true;
                }

                if ((e.Message ?? string.Empty).IndexOf(Http11RequiredName, StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The -Verbose line, written once per session.</summary>
        public static string Notice(Uri uri) =>
            $"{uri.Authority} asked for HTTP/1.1 (HTTP/2 error HTTP_1_1_REQUIRED, as servers that ask for the client certificate per path do): the request was sent again over HTTP/1.1, and this session uses HTTP/1.1 for {uri.Authority} from now on.";

        private static long? ErrorCodeOf(Exception e)
        {
            Type type = e.GetType();
            if (!string.Equals(type.FullName, ProtocolExceptionType, StringComparison.Ordinal))
            {
                return null;
            }

            PropertyInfo property = type.GetProperty("ErrorCode", BindingFlags.Public | BindingFlags.Instance);
            return property?.GetValue(e) is long code ? code : (long?)null;
        }
    }
}
