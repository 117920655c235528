using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Saleschat.Mtls.Files;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Saleschat's certificate requirements (RSA, 2048 or 4096 bits, SHA-256 signature, one-year
    /// validity) and the checks that keep an upload from failing: valid now, key matches, key file private.
    /// </summary>
    public sealed class CertificateRequirements
    {
        private const string RsaOid = "1.2.840.113549.1.1.1";
        private const string Sha256WithRsaOid = "1.2.840.113549.1.1.11";
        private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

        // One year; 366 allows for leap years. Saleschat documents "validity 1 year".
        public const int MaximumValidityDays = 366;

        private readonly IFilePlatform _files;

        public CertificateRequirements(IFilePlatform files = null)
        {
            _files = files ?? FilePlatform.Current;
        }

        /// <param name="certificate">The certificate to check.</param>
        /// <param name="key">A private key read from a key file, or null.</param>
        /// <param name="keyPath">The key file, for the permission check, or null.</param>
        /// <param name="minimumDaysValid">Fail when fewer days are left (a CI gate).</param>
        /// <param name="utcNow">The moment to judge validity at.</param>
        public CertificateTestResult Check(X509Certificate2 certificate, RsaPrivateCrtKeyParameters key, string keyPath, int minimumDaysValid, DateTime utcNow)
        {
            int days = CertificateExpiry.DaysUntilExpiry(certificate, utcNow);
            var checks = new List<CertificateCheck>
            {
                KeyAlgorithm(certificate),
                KeySize(certificate),
                SignatureAlgorithm(certificate),
                ValidityPeriod(certificate),
                CurrentlyValid(certificate, utcNow),
                MinimumDaysValid(days, minimumDaysValid),
                ClientAuthentication(certificate),
                KeyMatchesCertificate(certificate, key),
                KeyFilePermissions(keyPath),
            };
            checks.AddRange(ChainInspector.Check(certificate, ClientChains.Of(certificate), utcNow));
            return new CertificateTestResult(certificate.Subject, certificate.Thumbprint, certificate.NotAfter, days, checks);
        }

        private static CertificateCheck KeyAlgorithm(X509Certificate2 c)
        {
            string oid = c.PublicKey.Oid.Value;
            return oid == RsaOid
                ? Pass("KeyAlgorithm", "RSA")
                : Fail("KeyAlgorithm", $"{c.PublicKey.Oid.FriendlyName ?? oid}; Saleschat requires RSA");
        }

        private static CertificateCheck KeySize(X509Certificate2 c)
        {
            using (RSA rsa = c.GetRSAPublicKey())
            {
                if (rsa == null)
                {
                    return Fail("KeySize", "not an RSA key");
                }

                int bits = rsa.KeySize;
                return bits == 2048 || bits == 4096
                    ? Pass("KeySize", $"{bits} bits")
                    : Fail("KeySize", $"{bits} bits; Saleschat requires 2048 or 4096");
            }
        }

        private static CertificateCheck SignatureAlgorithm(X509Certificate2 c) =>
            c.SignatureAlgorithm.Value == Sha256WithRsaOid
                ? Pass("SignatureAlgorithm", "sha256RSA")
                : Fail("SignatureAlgorithm", $"{c.SignatureAlgorithm.FriendlyName ?? c.SignatureAlgorithm.Value}; Saleschat requires SHA-256 with RSA");

        private static CertificateCheck ValidityPeriod(X509Certificate2 c)
        {
            double days = (c.NotAfter - c.NotBefore).TotalDays;
            return days > 0 && days <= MaximumValidityDays + 1.0 / 24
                ? Pass("ValidityPeriod", $"{Math.Round(days)} days")
                : Fail("ValidityPeriod", $"{Math.Round(days)} days; Saleschat asks for one year (365 days)");
        }

        private static CertificateCheck CurrentlyValid(X509Certificate2 c, DateTime utcNow)
        {
            if (CertificateExpiry.IsNotYetValid(c, utcNow))
            {
                return Fail("CurrentlyValid", $"not valid before {c.NotBefore.ToUniversalTime():u}");
            }

            return CertificateExpiry.IsExpired(c, utcNow)
                ? Fail("CurrentlyValid", $"expired {c.NotAfter.ToUniversalTime():u}; make and upload a new certificate")
                : Pass("CurrentlyValid", $"valid until {c.NotAfter.ToUniversalTime():u}");
        }

        private static CertificateCheck MinimumDaysValid(int days, int minimum) =>
            days >= minimum
                ? Pass("MinimumDaysValid", $"{days} days left (minimum {minimum})")
                : Fail("MinimumDaysValid", $"{days} days left, fewer than {minimum}; rotate it (Start-SaleschatCertificateRotation)");

        /// <summary>
        /// Both extensions must allow client authentication (RFC 5280 4.2.1.12: when both are present the
        /// certificate may be used only for a purpose consistent with both), whatever order they come in.
        /// </summary>
        private static CertificateCheck ClientAuthentication(X509Certificate2 c)
        {
            X509KeyUsageExtension keyUsage = null;
            X509EnhancedKeyUsageExtension extendedKeyUsage = null;
            foreach (X509Extension extension in c.Extensions)
            {
                keyUsage = extension as X509KeyUsageExtension ?? keyUsage;
                extendedKeyUsage = extension as X509EnhancedKeyUsageExtension ?? extendedKeyUsage;
            }

            // TLS client authentication signs the handshake (CertificateVerify): it needs digitalSignature.
            if (keyUsage != null && (keyUsage.KeyUsages & X509KeyUsageFlags.DigitalSignature) == 0)
            {
                return Fail("ClientAuthentication", "key usage lacks digitalSignature, which TLS client authentication needs");
            }

            if (extendedKeyUsage == null)
            {
                return Pass("ClientAuthentication", keyUsage == null ? "no usage restrictions" : "key usage includes digitalSignature");
            }

            foreach (Oid usage in extendedKeyUsage.EnhancedKeyUsages)
            {
                if (usage.Value == ClientAuthOid)
                {
                    return Pass("ClientAuthentication", "extended key usage includes clientAuth");
                }
            }

            return Fail("ClientAuthentication", "extended key usage does not allow TLS client authentication");
        }

        private static CertificateCheck KeyMatchesCertificate(X509Certificate2 c, RsaPrivateCrtKeyParameters key)
        {
            if (key != null)
            {
                return KeyMatch.Matches(c, key)
                    ? Pass("KeyMatchesCertificate", "the key file holds this certificate's private key")
                    : Fail("KeyMatchesCertificate", "the key file holds a different key");
            }

            return c.HasPrivateKey
                ? Pass("KeyMatchesCertificate", "private key attached")
                : Skip("KeyMatchesCertificate", "no private key given (use -KeyPath)");
        }

        private CertificateCheck KeyFilePermissions(string keyPath)
        {
            if (keyPath == null)
            {
                return Skip("KeyFilePermissions", "no key file given");
            }

            bool? readable = _files.IsReadableByOthers(keyPath, out string detail);
            if (readable == null)
            {
                return Skip("KeyFilePermissions", detail);
            }

            return readable.Value
                ? Fail("KeyFilePermissions", $"{detail}: others can read the private key; restrict it to its owner ({FilePlatform.OwnerOnlyAdvice(keyPath)})")
                : Pass("KeyFilePermissions", detail);
        }

        private static CertificateCheck Pass(string name, string detail) => new CertificateCheck(name, CheckOutcome.Passed, detail);

        private static CertificateCheck Fail(string name, string detail) => new CertificateCheck(name, CheckOutcome.Failed, detail);

        private static CertificateCheck Skip(string name, string detail) => new CertificateCheck(name, CheckOutcome.Skipped, detail);
    }
}
