using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;

namespace Saleschat.Mtls.Proxies
{
    /// <summary>
    /// Asks a proxy which authentication schemes it wants, when the platform did not keep its answer: .NET 6+ throws
    /// for a 407 to CONNECT without the response's headers (dotnet/runtime#48679), so Proxy-Authenticate is lost. One
    /// CONNECT for the same host and port .NET already asked for, with no credentials and nothing else, bounded in time
    /// (2 s) and size (16 KiB of headers); only the Proxy-Authenticate values are read, and cleaned like any server text.
    /// </summary>
    public static class ProxyChallengeProbe
    {
        private const int MaximumHeaderBytes = 16 * 1024;
        private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

        /// <returns>The schemes, e.g. <c>Basic realm="corp", NTLM</c>; null when the proxy could not be asked or did not say.</returns>
        public static string Ask(Uri proxy, Uri host)
        {
            // An https:// proxy would need its own TLS handshake just to ask: not worth it for a hint.
            if (proxy == null || host == null || proxy.Scheme != Uri.UriSchemeHttp)
            {
                return null;
            }

            var clock = Stopwatch.StartNew();
            try
            {
                using (var client = new TcpClient())
                {
                    if (!client.ConnectAsync(proxy.DnsSafeHost, proxy.Port).Wait(Limit))
                    {
                        return null;
                    }

                    client.SendTimeout = client.ReceiveTimeout = (int)Limit.TotalMilliseconds;
                    NetworkStream stream = client.GetStream();
                    string authority = host.IdnHost + ":" + host.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    byte[] request = Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
                    stream.Write(request, 0, request.Length);
                    return Challenges(ReadHeaders(stream, clock));
                }
            }
            catch (Exception ex) when (ex is SocketException || ex is IOException || ex is ObjectDisposedException || ex is AggregateException || ex is ArgumentException)
            {
                return null;
            }
        }

        /// <summary>The Proxy-Authenticate values of a 407 answer's header block; null for any other answer.</summary>
        public static string Challenges(string headers)
        {
            if (string.IsNullOrEmpty(headers))
            {
                return null;
            }

            string[] lines = headers.Split(new[] { "\r\n" }, StringSplitOptions.None);
            string[] status = lines[0].Split(' ');
            if (status.Length < 2 || !status[0].StartsWith("HTTP/", StringComparison.Ordinal) || status[1] != "407")
            {
                return null;
            }

            var values = new List<string>();
            for (int i = 1; i < lines.Length && values.Count < 4; i++)
            {
                int colon = lines[i].IndexOf(':');
                if (colon > 0 && string.Equals(lines[i].Substring(0, colon).Trim(), "Proxy-Authenticate", StringComparison.OrdinalIgnoreCase))
                {
                    values.Add(lines[i].Substring(colon + 1).Trim());
                }
            }

            return ProxyFailure.ChallengeText(values.ToArray());
        }

        private static string ReadHeaders(Stream stream, Stopwatch clock)
        {
            var buffer = new byte[MaximumHeaderBytes];
            int length = 0;
            while (length < buffer.Length && clock.Elapsed < Limit)
            {
                int read = stream.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    break;
                }

                length += read;
                string text = Encoding.ASCII.GetString(buffer, 0, length);
                int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    return text.Substring(0, end);
                }
            }

            return Encoding.ASCII.GetString(buffer, 0, length);
        }
    }
}
