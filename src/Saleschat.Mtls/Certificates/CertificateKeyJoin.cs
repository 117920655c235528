using System;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Joins a certificate and its private key into the <see cref="X509Certificate2"/> a TLS client presents, by the
    /// cheapest way the platform's TLS stack accepts.
    /// </summary>
    /// <remarks>
    /// On Linux the key is attached directly (RSACertificateExtensions.CopyWithPrivateKey): OpenSSL takes an in-memory
    /// key for client TLS, and the PKCS#12 round trip cost about 100 ms per session plus about 0.2 s of BouncyCastle JIT
    /// in a fresh process (measured by build.ps1 -Task Bench, "module: New-SaleschatSession"). Everywhere else the key
    /// goes through <see cref="Pkcs12Bridge"/>: Windows' SChannel refuses the ephemeral key CopyWithPrivateKey makes
    /// ("No credentials are available in the security package": dotnet/runtime#23749, #74093), and macOS is
    /// kept on the path its keychain-backed TLS was proven with.
    /// </remarks>
    public static class CertificateKeyJoin
    {
        // Public on .NET Core 2.0+ and .NET Framework 4.7.2+, but not in netstandard2.0's surface: found at run time.
        private static readonly MethodInfo CopyWithPrivateKey = typeof(RSACertificateExtensions).GetMethod(
            "CopyWithPrivateKey", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(X509Certificate2), typeof(RSA) }, null);

        // X509Certificate2.CreateFromPem(certPem, keyPem), .NET 5+: OpenSSL reads an unencrypted PEM key and the platform
        // checks it against the certificate, without BouncyCastle's key validation (Miller-Rabin rounds on the modulus in
        // managed code: most of New-SaleschatSession's time in a fresh pwsh, build.ps1 -Task Bench).
        private static readonly Lazy<Func<string, string, X509Certificate2>> CreateFromPem =
            new Lazy<Func<string, string, X509Certificate2>>(PlatformPemReader.Create);

        private static readonly Regex PemLabel = new Regex("-----BEGIN ([^-\\r\\n]*)-----", RegexOptions.CultureInvariant);

        /// <summary>True where the key is attached in memory, without the PKCS#12 round trip.</summary>
        public static bool AttachesDirectly { get; } = CopyWithPrivateKey != null && RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        /// <param name="der">The certificate.</param>
        /// <param name="certificate">The same certificate parsed by BouncyCastle, made only if the PKCS#12 path needs it.</param>
        public static X509Certificate2 Join(byte[] der, Func<BcCertificate> certificate, RsaPrivateCrtKeyParameters key) =>
            AttachesDirectly ? Attach(der, key) : Pkcs12Bridge.ToX509Certificate2(certificate(), key);

        public static X509Certificate2 Join(BcCertificate certificate, RsaPrivateCrtKeyParameters key) =>
            Join(certificate.GetEncoded(), () => certificate, key);

        /// <summary>
        /// The certificate with its unencrypted PEM key, read by the platform where the key is attached directly; null
        /// when that is not possible here or the platform cannot read the pair (encrypted, damaged, not matching, not
        /// RSA): the caller then reads it the portable way, which names what is wrong.
        /// </summary>
        public static X509Certificate2 TryFromPem(byte[] der, string keyPem)
        {
            Func<string, string, X509Certificate2> createFromPem = AttachesDirectly && HoldsOnePlainKey(keyPem) ? CreateFromPem.Value : null;
            if (createFromPem == null)
            {
                return null;
            }

            X509Certificate2 joined;
            try
            {
                joined = createFromPem(CertificatePem.Encode(der), keyPem);
            }
            catch (Exception ex) when (ex is CryptographicException || ex is ArgumentException)
            {
                return null;
            }

            using (RSA publicKey = joined.GetRSAPublicKey())
            {
                if (publicKey != null)
                {
                    return joined;
                }
            }

            joined.Dispose(); // an EC pair: refused by the portable reader with its own error
            return null;
        }

        // The platform reader skips blocks it cannot use (an EC key, a public key) where the portable one takes the first
        // key it meets and refuses it: both must agree on a file, so the platform reads only text whose one non-certificate
        // block is an unencrypted PKCS#8 or PKCS#1 key. Anything else goes the portable way.
        private static bool HoldsOnePlainKey(string pemText)
        {
            int keys = 0;
            foreach (Match label in PemLabel.Matches(pemText))
            {
                string name = label.Groups[1].Value;
                if (name == "CERTIFICATE" || name == "TRUSTED CERTIFICATE")
                {
                    continue;
                }

                if ((name != "PRIVATE KEY" && name != "RSA PRIVATE KEY") || ++keys > 1)
                {
                    return false;
                }
            }

            return keys == 1;
        }

        private static X509Certificate2 Attach(byte[] der, RsaPrivateCrtKeyParameters key)
        {
            // ToRSAParameters pads D, P, Q and the CRT values to the lengths RSA.ImportParameters requires.
            RSAParameters parameters = DotNetUtilities.ToRSAParameters(key);
            try
            {
                using (var publicOnly = new X509Certificate2(der))
                using (RSA rsa = RSA.Create())
                {
                    rsa.ImportParameters(parameters);

                    // The copy holds its own duplicate of the OpenSSL key handle (OpenSslX509CertificateReader.CopyWithPrivateKey
                    // duplicates it), so both of these can be disposed here.
                    return (X509Certificate2)CopyWithPrivateKey.Invoke(null, new object[] { publicOnly, rsa });
                }
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
            finally
            {
                Wipe(parameters.D, parameters.P, parameters.Q, parameters.DP, parameters.DQ, parameters.InverseQ);
            }
        }

        private static void Wipe(params byte[][] secrets)
        {
            foreach (byte[] secret in secrets)
            {
                if (secret != null)
                {
                    Array.Clear(secret, 0, secret.Length);
                }
            }
        }
    }
}
