using System;
using System.Diagnostics;
using System.IO;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Sessions
{
    /// <summary>
    /// Lets a session made from certificate and key files follow a pair that another process promoted (a scheduled
    /// Invoke-SaleschatCertificateMaintenance, a Complete-SaleschatCertificateRotation elsewhere), as Kubernetes
    /// client-go reloads a rotated client certificate from disk (kubernetes/client-go transport/cert_rotation.go).
    /// The check is cheap: the two files' length and last-write time, looked at no more than once per
    /// <see cref="Interval"/> (and at once after the server refused the certificate). Only a pair that loads and
    /// matches is taken: a pair half-way through a promotion is simply looked at again later.
    /// </summary>
    internal sealed class CertificateFileFollower
    {
        /// <summary>How often the files are looked at, at most: a promotion is seen within this time.</summary>
        public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

        private readonly string _certificatePath;
        private readonly string _keyPath;
        private readonly SecureString _password;
        private readonly string _chainPath;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _nextCheckTicks;
        private string _seen;
        private int _checking;

        public CertificateFileFollower(string certificatePath, string keyPath, SecureString password, string chainPath = null)
        {
            _certificatePath = certificatePath;
            _keyPath = keyPath;
            _chainPath = chainPath;
            _password = password?.Copy();
            _password?.MakeReadOnly();
            _seen = Stamp();
            _nextCheckTicks = Interval.Ticks;
        }

        public string CertificatePath => _certificatePath;

        public string KeyPath => _keyPath;

        /// <summary>
        /// The pair now on disk when it differs from <paramref name="currentThumbprint"/> and loads whole, else null.
        /// Not due yet (unless <paramref name="force"/>), or another thread is already looking: null at once.
        /// </summary>
        public X509Certificate2 Changed(string currentThumbprint, bool force, Action<string> log)
        {
            if (!force && _clock.Elapsed.Ticks < Volatile.Read(ref _nextCheckTicks))
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref _checking, 1, 0) != 0)
            {
                return null;
            }

            try
            {
                Volatile.Write(ref _nextCheckTicks, _clock.Elapsed.Ticks + Interval.Ticks);
                string stamp = Stamp();
                if (stamp == null || stamp == _seen)
                {
                    return null;
                }

                X509Certificate2 loaded;
                try
                {
                    // The same checks as New-SaleschatSession: a key others can read or write (or another user's) is
                    // refused here too, and the -ChainPath CA certificates stay with the followed certificate.
                    loaded = ClientCertificateReader.FromFiles(_certificatePath, _keyPath, _password, VouchForKey, _chainPath);
                }
                catch (SaleschatException ex)
                {
                    // Half-way through a promotion (the key moved, not yet the certificate) or being written: next time.
                    log?.Invoke($"The certificate files '{_certificatePath}' changed but do not load as a pair yet ({ex.ErrorId}): this session keeps {currentThumbprint} and looks again in {Interval.TotalSeconds:0} s.");
                    return null;
                }

                _seen = stamp;
                if (string.Equals(loaded.Thumbprint, currentThumbprint, StringComparison.OrdinalIgnoreCase))
                {
                    loaded.Dispose();
                    return null;
                }

                return loaded;
            }
            finally
            {
                Volatile.Write(ref _checking, 0);
            }
        }

        private void VouchForKey(string path, Files.FileFacts facts)
        {
            if (string.Equals(path, _keyPath, StringComparison.Ordinal))
            {
                Keys.KeyFileTrust.Require(path, facts);
            }
        }

        /// <summary>Length and last-write time of both files (an atomic replacement changes both names' targets), or null if one is missing.</summary>
        private string Stamp()
        {
            try
            {
                var certificate = new FileInfo(_certificatePath);
                var key = _keyPath == null ? null : new FileInfo(_keyPath);
                if (!certificate.Exists || (key != null && !key.Exists))
                {
                    return null;
                }

                return $"{certificate.Length}:{certificate.LastWriteTimeUtc.Ticks}|{key?.Length}:{key?.LastWriteTimeUtc.Ticks}";
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
