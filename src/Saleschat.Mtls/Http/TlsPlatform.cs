using System;
using System.Net;
using System.Net.Security;
using System.Runtime.InteropServices;
using System.Security.Authentication;

namespace Saleschat.Mtls.Http
{
    /// <summary>
    /// Where .NET Framework (Windows PowerShell 5.1) and .NET (PowerShell 7) differ for our HTTP stack,
    /// decided once. See shared/PITFALLS.md, "HTTP and TLS on netstandard2.0".
    /// </summary>
    public static class TlsPlatform
    {
        // SslProtocols.Tls13 is not in the netstandard2.0 surface; its value is fixed by the enum.
        private const SslProtocols Tls13 = (SslProtocols)0x3000;

        public static bool IsNetFramework { get; } =
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// TLS 1.2 as a floor everywhere. .NET Framework does not always default to TLS 1.2, so it is set
        /// explicitly; TLS 1.3 only where the runtime supports it (.NET Core 3+ on current OSes).
        /// </summary>
        public static SslProtocols Protocols => IsNetFramework ? SslProtocols.Tls12 : SslProtocols.Tls12 | Tls13;

        /// <summary>
        /// HTTP/2 where the runtime can speak it (it falls back to HTTP/1.1 when the server does not offer
        /// h2 via ALPN). netstandard2.0 has no HttpVersion.Version20; .NET Framework's handler throws for 2.0.
        /// </summary>
        public static Version RequestVersion { get; } = IsNetFramework ? HttpVersion.Version11 : new Version(2, 0);
    }
}
