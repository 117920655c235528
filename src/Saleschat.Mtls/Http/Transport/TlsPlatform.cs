using System;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Http.Transport
{
    /// <summary>
    /// Where .NET Framework (Windows PowerShell 5.1) and .NET (PowerShell 7) differ for our HTTP stack,
    /// decided once.
    /// </summary>
    public static class TlsPlatform
    {
        // SslProtocols.Tls13 is not in the netstandard2.0 surface; its value is fixed by the enum.
        private const SslProtocols Tls13 = (SslProtocols)0x3000;

        public static bool IsNetFramework { get; } =
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        public static bool IsWindows { get; } = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>
        /// TLS 1.2 as a floor everywhere. .NET Framework does not always default to TLS 1.2, so it is set
        /// explicitly; TLS 1.3 only where the runtime supports it (.NET Core 3+ on current OSes).
        /// </summary>
        public static SslProtocols Protocols => IsNetFramework ? SslProtocols.Tls12 : SslProtocols.Tls12 | Tls13;

        /// <summary>
        /// The protocols for one client certificate. SChannel cannot sign a TLS 1.3 handshake with a key held by a
        /// legacy CAPI provider: the handshake fails with 0x80090304 "The Local Security Authority cannot be
        /// contacted" (dotnet/runtime#58927; its fix, dotnet/runtime#68009, moved the test keys out of CAPI). Keys
        /// this module imports are placed in the CNG software KSP (Pkcs12Bridge), but a store certificate may
        /// still have a CAPI key: such a certificate is held to TLS 1.2 on Windows.
        /// </summary>
        public static SslProtocols ProtocolsFor(X509Certificate2 clientCertificate)
        {
            if (IsNetFramework || !IsWindows || clientCertificate == null || !clientCertificate.HasPrivateKey)
            {
                return Protocols;
            }

            return HasCapiKey(clientCertificate) ? SslProtocols.Tls12 : Protocols;
        }

        /// <summary>
        /// HTTP/2 where the runtime can speak it (it falls back to HTTP/1.1 when the server does not offer
        /// h2 via ALPN). netstandard2.0 has no HttpVersion.Version20; .NET Framework's handler throws for 2.0.
        /// </summary>
        public static Version RequestVersion { get; } = IsNetFramework ? HttpVersion.Version11 : new Version(2, 0);

        /// <summary>
        /// What to do when the server refused, or never received, our certificate on .NET Framework. There,
        /// HttpClientHandler hands its ClientCertificates to HttpWebRequest without a certificate selection
        /// callback (referencesource System/net/System/Net/Http/HttpClientHandler.cs, CreateAndPrepareWebRequest),
        /// and SecureChannel.AcquireClientCredentials then keeps only certificates whose chain contains an issuer
        /// from the server's list of acceptable CAs (referencesource System/net/System/Net/_SecureChannel.cs):
        /// a self-signed certificate is sent only if the server lists its own subject, or sends an empty list.
        /// ClientCertificateOption.Manual does not change this, and netstandard2.0 exposes no selection callback
        /// on HttpClientHandler, so the module cannot force it on Windows PowerShell 5.1.
        /// </summary>
        public static string ClientCertificateAdvice(X509Certificate2 certificate) =>
            IsNetFramework
                ? " Windows PowerShell 5.1 (.NET Framework) sends a client certificate only when its issuer"
                  + (certificate == null ? string.Empty : $" ('{certificate.Issuer}')")
                  + " is in the list of CAs the server asks for, so a self-signed certificate may never be sent: run the same command in PowerShell 7 (pwsh), which always sends it."
                : string.Empty;

        private static bool HasCapiKey(X509Certificate2 certificate)
        {
            try
            {
                using (RSA rsa = certificate.GetRSAPrivateKey())
                {
                    return rsa is RSACryptoServiceProvider;
                }
            }
            catch (CryptographicException)
            {
                // A key that cannot be opened is reported at session creation (ClientKeyCheck); keep the default here.
                return false;
            }
        }
    }
}
