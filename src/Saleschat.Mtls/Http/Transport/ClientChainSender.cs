using System;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Http.Transport
{
    /// <summary>
    /// Makes the handler send the client certificate's intermediates in the handshake, from memory, with no certificate
    /// store touched. .NET sends a client certificate's intermediates only when it finds them in a store
    /// (dotnet/runtime#47680, dotnet/corefx#17802) unless the connection is given an SslStreamCertificateContext built
    /// with them: SslClientAuthenticationOptions.ClientCertificateContext (.NET 8; learn.microsoft.com, SslClientAuthenticationOptions.ClientCertificateContext), made with
    /// SslStreamCertificateContext.Create(leaf, intermediates, offline: true) (offline: no AIA download while building it).
    /// </summary>
    /// <remarks>
    /// netstandard2.0 can name neither type, so both are found at run time, as <see cref="Certificates.PlatformPemReader"/>
    /// finds CreateFromPem. HttpClientHandler keeps its SslClientAuthenticationOptions on the SocketsHttpHandler it wraps
    /// (a private field, _underlyingHandler in .NET 6 to 10, _socketsHttpHandler in .NET Core 3 and 5: found by its type,
    /// not its name), and its own setters write through to that same options object, so everything else the transport
    /// configures on the handler stays as it is. Where any piece is missing (.NET Framework, .NET before 8) nothing is
    /// changed and <see cref="SendsFromMemory"/> is false.
    /// On Linux and macOS the context holds the chain in memory. On Windows SChannel takes only the leaf and builds the
    /// chain itself from the stores, so .NET's SslStreamCertificateContext.Create adds the intermediates to the
    /// Intermediate Certification Authorities store itself (dotnet/runtime SslStreamCertificateContext.Windows.cs;
    /// explained in dotnet/docs#52118): that store is a cache of intermediates and grants no trust.
    /// </remarks>
    public static class ClientChainSender
    {
        private static readonly Members Found = Members.Find();

        /// <summary>True where this runtime can send a chain from memory (PowerShell 7.4+ on .NET 8+).</summary>
        public static bool SendsFromMemory { get; } = !TlsPlatform.IsNetFramework && Found != null;

        /// <summary>
        /// The issuers that reach the wire: all of them where the chain is sent from memory; on .NET Framework those
        /// SChannel finds in an Intermediate Certification Authorities store (see Certificates.ClientChainStore);
        /// elsewhere none were given, or none can be sent.
        /// </summary>
        public static X509Certificate2[] Sent(X509Certificate2[] issuers, bool sendsFromMemory)
        {
            if (sendsFromMemory || issuers.Length == 0)
            {
                return issuers;
            }

            return TlsPlatform.IsNetFramework ? Certificates.ClientChainStore.InIntermediateStores(issuers) : new X509Certificate2[0];
        }

        /// <summary>
        /// Gives <paramref name="handler"/> a certificate context of <paramref name="certificate"/> and its
        /// <paramref name="issuers"/>. Call after every other handler setting, before the first request.
        /// </summary>
        /// <returns>True when the chain will be sent from memory.</returns>
        public static bool Apply(HttpClientHandler handler, X509Certificate2 certificate, X509Certificate2[] issuers)
        {
            if (issuers == null || issuers.Length == 0 || !SendsFromMemory)
            {
                return false;
            }

            object options = Found.SslOptions.GetValue(Found.UnderlyingHandler.GetValue(handler));
            if (options == null)
            {
                return false;
            }

            var additional = new X509Certificate2Collection();
            foreach (X509Certificate2 issuer in issuers)
            {
                // The root is never needed on the wire (RFC 8446 section 4.4.2: it "MAY be omitted"); the context keeps
                // only what chains, so passing it is harmless and lets the context's chain build end at it.
                additional.Add(issuer);
            }

            try
            {
                object context = Found.CreateContext.Invoke(null, new object[] { certificate, additional, true });
                Found.ClientCertificateContext.SetValue(options, context);
                return true;
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }

        /// <summary>The run-time members, all found or none (null): a lookup that fails must never fail a session.</summary>
        private sealed class Members
        {
            public MethodInfo CreateContext;
            public FieldInfo UnderlyingHandler;
            public PropertyInfo SslOptions;
            public PropertyInfo ClientCertificateContext;

            public static Members Find()
            {
                try
                {
                    Type contextType = Type.GetType("System.Net.Security.SslStreamCertificateContext, System.Net.Security", throwOnError: false);
                    var found = new Members
                    {
                        CreateContext = contextType?.GetMethod(
                            "Create", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(X509Certificate2), typeof(X509Certificate2Collection), typeof(bool) }, null),
                        UnderlyingHandler = typeof(HttpClientHandler)
                            .GetFields(BindingFlags.NonPublic | BindingFlags.Instance)
                            .FirstOrDefault(field => field.FieldType.FullName == "System.Net.Http.SocketsHttpHandler"),
                    };
                    found.SslOptions = found.UnderlyingHandler?.FieldType.GetProperty("SslOptions");
                    found.ClientCertificateContext = found.SslOptions?.PropertyType.GetProperty("ClientCertificateContext");
                    return found.CreateContext != null && found.ClientCertificateContext != null ? found : null;
                }
                catch (Exception)
                {
                    // .NET Framework may find a facade it cannot load; either way the chain cannot be sent from memory here.
                    return null;
                }
            }
        }
    }
}
