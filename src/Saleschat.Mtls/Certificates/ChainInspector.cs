using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Checks the CA certificates read with a client certificate: who issued the leaf, whether the path reaches a
    /// self-signed root (or which issuer is missing), and whether each CA certificate is a CA and valid now. What a
    /// server checks when it builds our chain (RFC 5280 section 6.1), said before it refuses.
    /// </summary>
    public static class ChainInspector
    {
        public const string IssuerCheck = "Issuer";
        public const string ChainCompleteCheck = "ChainComplete";
        public const string ChainValidityCheck = "ChainValidity";
        public const string ChainAuthorityCheck = "ChainCertificateAuthority";
        public const string ChainExpiryCheck = "ChainExpiry";

        /// <param name="certificate">The client certificate (the leaf).</param>
        /// <param name="issuers">Its issuers in path order (leaf's issuer first), as read.</param>
        /// <param name="utcNow">The moment to judge validity at.</param>
        public static List<CertificateCheck> Check(X509Certificate2 certificate, X509Certificate2[] issuers, DateTime utcNow)
        {
            var checks = new List<CertificateCheck>();
            if (ChainAssembler.IsSelfIssued(certificate))
            {
                checks.Add(new CertificateCheck(IssuerCheck, CheckOutcome.Passed, "self-signed"));
                return checks;
            }

            checks.Add(new CertificateCheck(IssuerCheck, CheckOutcome.Passed, $"CA-issued by '{certificate.Issuer}'"));
            string missing = ChainAssembler.MissingIssuer(certificate, issuers);
            if (missing == null)
            {
                checks.Add(new CertificateCheck(ChainCompleteCheck, CheckOutcome.Passed, "reaches the self-signed root: " + Path(certificate, issuers)));
            }
            else if (issuers.Length == 0)
            {
                // The case a server refuses most often: the leaf alone, its intermediate never sent.
                checks.Add(new CertificateCheck(ChainCompleteCheck, CheckOutcome.Failed,
                    $"no CA certificate was given with it: its issuer '{missing}' is missing; give it with -ChainPath or in a full-chain PEM (leaf first)"));
            }
            else
            {
                checks.Add(new CertificateCheck(ChainCompleteCheck, CheckOutcome.Warning,
                    $"{Path(certificate, issuers)}; the issuer '{missing}' is not given: enough only if the server trusts it itself, otherwise add it with -ChainPath or to the full-chain PEM"));
            }

            if (issuers.Length == 0)
            {
                return checks;
            }

            var invalid = new List<string>();
            var notCa = new List<string>();
            var earlier = new List<string>();
            foreach (X509Certificate2 issuer in issuers)
            {
                if (CertificateExpiry.IsExpired(issuer, utcNow))
                {
                    invalid.Add($"'{issuer.Subject}' expired on {Utc(issuer.NotAfter)}");
                }
                else if (CertificateExpiry.IsNotYetValid(issuer, utcNow))
                {
                    invalid.Add($"'{issuer.Subject}' is not valid before {Utc(issuer.NotBefore)}");
                }

                if (!IsCertificateAuthority(issuer))
                {
                    notCa.Add($"'{issuer.Subject}'");
                }

                if (issuer.NotAfter.ToUniversalTime() < certificate.NotAfter.ToUniversalTime() && !CertificateExpiry.IsExpired(issuer, utcNow))
                {
                    earlier.Add($"'{issuer.Subject}' expires on {Utc(issuer.NotAfter)}, before the certificate ({Utc(certificate.NotAfter)})");
                }
            }

            checks.Add(invalid.Count == 0
                ? new CertificateCheck(ChainValidityCheck, CheckOutcome.Passed, $"{issuers.Length} CA certificate(s) valid now")
                : new CertificateCheck(ChainValidityCheck, CheckOutcome.Failed, string.Join("; ", invalid) + ": servers refuse the chain; ask the CA for its current chain"));
            checks.Add(notCa.Count == 0
                ? new CertificateCheck(ChainAuthorityCheck, CheckOutcome.Passed, "each is a CA (basic constraints)")
                : new CertificateCheck(ChainAuthorityCheck, CheckOutcome.Failed, string.Join(", ", notCa) + " is not a CA certificate (basic constraints CA:TRUE): it cannot issue the certificate"));
            checks.Add(earlier.Count == 0
                ? new CertificateCheck(ChainExpiryCheck, CheckOutcome.Passed, "no CA certificate expires before the certificate")
                : new CertificateCheck(ChainExpiryCheck, CheckOutcome.Warning, string.Join("; ", earlier) + ": the certificate stops working then; rotate before it"));
            return checks;
        }

        /// <summary>The chain's failed and warned checks as one-line warnings (for Get-SaleschatClientCertificate and sessions).</summary>
        public static IEnumerable<string> Problems(X509Certificate2 certificate, X509Certificate2[] issuers, DateTime utcNow)
        {
            if (issuers.Length == 0)
            {
                yield break;
            }

            foreach (CertificateCheck check in Check(certificate, issuers, utcNow))
            {
                if (check.Outcome != CheckOutcome.Passed && check.Name != ChainCompleteCheck)
                {
                    yield return $"The chain of '{certificate.Subject}': {check.Detail}.";
                }
            }
        }

        private static bool IsCertificateAuthority(X509Certificate2 certificate)
        {
            foreach (X509Extension extension in certificate.Extensions)
            {
                if (extension is X509BasicConstraintsExtension constraints)
                {
                    return constraints.CertificateAuthority;
                }
            }

            // RFC 5280 section 4.2.1.9: without basic constraints a certificate must not be used to verify signatures
            // on certificates (v1 roots are the old exception, which only self-signed roots still are).
            return ChainAssembler.IsSelfIssued(certificate) && certificate.Version < 3;
        }

        private static string Path(X509Certificate2 certificate, X509Certificate2[] issuers)
        {
            var names = new List<string> { $"'{certificate.Subject}'" };
            foreach (X509Certificate2 issuer in issuers)
            {
                names.Add($"'{issuer.Subject}'");
            }

            return string.Join(" -> ", names);
        }

        private static string Utc(DateTime time) => time.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture);
    }
}
