using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Windows PowerShell 5.1 (.NET Framework over SChannel): the handshake sends only the intermediates SChannel can
    /// chain from the CurrentUser or LocalMachine "Intermediate Certification Authorities" store. The native SChannel
    /// API accepts the leaf alone, and no .NET Framework API can pass it a chain (dotnet/runtime#47680,
    /// dotnet/corefx#17802, dotnet/corefx#39886; referencesource System/net/System/Net/_SecureChannel.cs,
    /// AcquireClientCredentials, hands SChannel one certificate context). Adding the intermediates to
    /// CurrentUser\CA is the documented workaround; that store is a cache of intermediates and grants no trust.
    /// </summary>
    public static class ClientChainStore
    {
        /// <summary>The warning at session creation when a chain was given and this runtime cannot send it from memory.</summary>
        public static string Advice(X509Certificate2[] issuers)
        {
            var names = new List<string>();
            foreach (X509Certificate2 issuer in Intermediates(issuers))
            {
                names.Add($"'{issuer.Subject}'");
            }

            return names.Count == 0
                ? "The chain given holds no intermediate CA certificate to send (only the root, which servers already have)."
                : $"Windows PowerShell 5.1 sends a client certificate's intermediate CAs only when they are in a certificate store, so {string.Join(", ", names)} will not be sent: run New-SaleschatSession again with -AddIntermediatesToStore to add them to CurrentUser\\Intermediate Certification Authorities (no trust is granted), or use PowerShell 7, which sends them from memory.";
        }

        /// <summary>
        /// Adds the intermediates (never the leaf, never a self-signed root) to CurrentUser\CA, public parts only.
        /// </summary>
        /// <returns>The certificates added (those already there are skipped).</returns>
        public static List<X509Certificate2> AddIntermediates(X509Certificate2[] issuers)
        {
            var added = new List<X509Certificate2>();
            using (var store = new X509Store(StoreName.CertificateAuthority, StoreLocation.CurrentUser))
            {
                store.Open(OpenFlags.ReadWrite);
                foreach (X509Certificate2 issuer in Intermediates(issuers))
                {
                    if (store.Certificates.Find(X509FindType.FindByThumbprint, issuer.Thumbprint, validOnly: false).Count > 0)
                    {
                        continue;
                    }

                    // A copy from the public bytes: whatever the chain object held, no private key goes into the store.
                    var publicOnly = new X509Certificate2(issuer.RawData);
                    store.Add(publicOnly);
                    added.Add(publicOnly);
                }
            }

            return added;
        }

        /// <summary>
        /// The leading part of <paramref name="issuers"/> (path order) that SChannel can find in the CurrentUser or
        /// LocalMachine Intermediate store, plus a root when everything before it was found (roots are never sent, and
        /// servers hold their own). A store that cannot be opened counts as empty.
        /// </summary>
        public static X509Certificate2[] InIntermediateStores(X509Certificate2[] issuers)
        {
            var found = new List<X509Certificate2>();
            foreach (X509Certificate2 issuer in issuers)
            {
                if (!ChainAssembler.IsSelfIssued(issuer) && !InStore(issuer, StoreLocation.CurrentUser) && !InStore(issuer, StoreLocation.LocalMachine))
                {
                    break;
                }

                found.Add(issuer);
            }

            return found.ToArray();
        }

        private static bool InStore(X509Certificate2 certificate, StoreLocation location)
        {
            try
            {
                using (var store = new X509Store(StoreName.CertificateAuthority, location))
                {
                    store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                    return store.Certificates.Find(X509FindType.FindByThumbprint, certificate.Thumbprint, validOnly: false).Count > 0;
                }
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                return false;
            }
        }

        /// <summary>The issuers that are not self-signed roots (roots belong in Trusted Root stores, and are never sent).</summary>
        public static IEnumerable<X509Certificate2> Intermediates(X509Certificate2[] issuers)
        {
            foreach (X509Certificate2 issuer in issuers)
            {
                if (!ChainAssembler.IsSelfIssued(issuer))
                {
                    yield return issuer;
                }
            }
        }
    }
}
