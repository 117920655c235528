using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace Saleschat.Mtls.Sessions
{
    /// <summary>
    /// The certificates sessions loaded themselves, disposed when the process exits if no one closed their session
    /// first: .NET runs no finalizers at process exit ("Object.Finalize", learn.microsoft.com), so on Windows the key
    /// file of each PFX import would stay under %APPDATA%\Microsoft\Crypto for good (dotnet/corefx#8186). Weak
    /// references: a session nobody holds any more is collected, and its certificate finalized, as usual.
    /// </summary>
    internal static class OwnedCertificates
    {
        private static readonly List<WeakReference<X509Certificate2>> Owned = new List<WeakReference<X509Certificate2>>();
        private static int _hooked;

        public static void Track(X509Certificate2 certificate)
        {
            if (certificate == null)
            {
                return;
            }

            if (Interlocked.Exchange(ref _hooked, 1) == 0)
            {
                AppDomain.CurrentDomain.ProcessExit += (sender, e) => ReleaseAll();
            }

            lock (Owned)
            {
                Owned.RemoveAll(reference => !reference.TryGetTarget(out _));
                Owned.Add(new WeakReference<X509Certificate2>(certificate));
            }
        }

        /// <summary>Disposes every tracked certificate still alive (disposing twice is harmless).</summary>
        public static int ReleaseAll()
        {
            List<X509Certificate2> alive = new List<X509Certificate2>();
            lock (Owned)
            {
                foreach (WeakReference<X509Certificate2> reference in Owned)
                {
                    if (reference.TryGetTarget(out X509Certificate2 certificate))
                    {
                        alive.Add(certificate);
                    }
                }

                Owned.Clear();
            }

            foreach (X509Certificate2 certificate in alive)
            {
                certificate.Dispose();
            }

            return alive.Count;
        }
    }
}
