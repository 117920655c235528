using System;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// The issuing certificates (intermediates, and the root when given) read with a client certificate, kept beside
    /// the certificate object itself.
    /// </summary>
    /// <remarks>
    /// Why a weak table keyed by the certificate instead of a note property or a wrapper type: users pipe and pass the
    /// plain <see cref="X509Certificate2"/> (Get-SaleschatClientCertificate | New-SaleschatSession, $cert variables,
    /// -Certificate parameters), and the services that send the chain (the transport, the checks) know nothing of
    /// PowerShell, so they could not read a PSObject member. The table follows the very object wherever it goes,
    /// is read by plain C#, and lets the chain die with the certificate. A copy of the certificate (Export-Clixml, a
    /// new X509Certificate2 made from its bytes) has no chain: read it again from its files.
    /// </remarks>
    public static class ClientChains
    {
        private static readonly X509Certificate2[] None = new X509Certificate2[0];
        private static readonly ConditionalWeakTable<X509Certificate2, X509Certificate2[]> Chains =
            new ConditionalWeakTable<X509Certificate2, X509Certificate2[]>();

        private static readonly object Gate = new object();

        /// <summary>Records <paramref name="issuers"/> (leaf's issuer first, towards the root) for <paramref name="certificate"/>.</summary>
        public static void Attach(X509Certificate2 certificate, X509Certificate2[] issuers)
        {
            if (certificate == null)
            {
                throw new ArgumentNullException(nameof(certificate));
            }

            lock (Gate)
            {
                Chains.Remove(certificate);
                if (issuers != null && issuers.Length > 0)
                {
                    Chains.Add(certificate, (X509Certificate2[])issuers.Clone());
                }
            }
        }

        /// <summary>The issuers read with the certificate (leaf's issuer first), or an empty array.</summary>
        public static X509Certificate2[] Of(X509Certificate2 certificate)
        {
            if (certificate == null)
            {
                return None;
            }

            lock (Gate)
            {
                return Chains.TryGetValue(certificate, out X509Certificate2[] issuers) ? (X509Certificate2[])issuers.Clone() : None;
            }
        }
    }
}
