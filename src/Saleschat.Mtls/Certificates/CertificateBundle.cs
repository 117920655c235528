using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.X509;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Every certificate a CA's reply holds, as DER, in the forms CAs hand them out: PEM with several
    /// CERTIFICATE blocks (a full-chain PEM), PKCS#7 "certs-only" (.p7b, as AD CS and `openssl crl2pkcs7` write it)
    /// in PEM or DER, and the certificates of a PFX.
    /// </summary>
    public static class CertificateBundle
    {
        /// <summary>More certificates than any real chain holds: a bound on what a file can make us parse.</summary>
        public const int MaximumCertificates = 16;

        private static readonly Regex Block = new Regex(
            "-----BEGIN (?<label>CERTIFICATE|PKCS7)-----(?<body>[^-]*)-----END \\k<label>-----", RegexOptions.CultureInvariant);

        /// <summary>The certificates of PEM text, in file order; a damaged block is skipped (the caller names the first).</summary>
        public static List<byte[]> FromPem(string text)
        {
            var certificates = new List<byte[]>();
            foreach (Match match in Block.Matches(text ?? string.Empty))
            {
                byte[] der;
                try
                {
                    der = Convert.FromBase64String(Regex.Replace(match.Groups["body"].Value, "\\s", string.Empty));
                }
                catch (FormatException)
                {
                    continue;
                }

                if (match.Groups["label"].Value == "PKCS7")
                {
                    certificates.AddRange(FromPkcs7(der) ?? new List<byte[]>());
                }
                else
                {
                    certificates.Add(der);
                }

                Bound(certificates);
            }

            return Distinct(certificates);
        }

        /// <summary>The certificates of a DER PKCS#7 SignedData, or null when the bytes are not one.</summary>
        public static List<byte[]> FromPkcs7(byte[] der)
        {
            try
            {
                var certificates = new List<byte[]>();
                foreach (X509Certificate certificate in new X509CertificateParser().ReadCertificates(der))
                {
                    certificates.Add(certificate.GetEncoded());
                    Bound(certificates);
                }

                return certificates.Count == 0 ? null : Distinct(certificates);
            }
            catch (Exception ex) when (ex is IOException || ex is ArgumentException || ex is InvalidCastException
                || ex is Org.BouncyCastle.Security.Certificates.CertificateException || ex is Org.BouncyCastle.Asn1.Asn1Exception)
            {
                return null;
            }
        }

        /// <summary>Every certificate in a PFX (the leaf and the CA certificates beside it), or an empty list when BouncyCastle cannot open it.</summary>
        public static List<byte[]> FromPfx(byte[] pfx, char[] password)
        {
            var certificates = new List<byte[]>();
            try
            {
                Pkcs12Store store = new Pkcs12StoreBuilder().Build();
                using (var stream = new MemoryStream(pfx, writable: false))
                {
                    store.Load(stream, password ?? new char[0]);
                }

                // Aliases lists the key entries only; the CA certificates are reached through each key's chain, which
                // BouncyCastle builds from the PFX's certificate bags (by authority key id, else by issuer name).
                foreach (string alias in store.Aliases)
                {
                    foreach (X509CertificateEntry entry in store.GetCertificateChain(alias) ?? new X509CertificateEntry[0])
                    {
                        certificates.Add(entry.Certificate.GetEncoded());
                        Bound(certificates);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is ArgumentException || ex is InvalidOperationException
                || ex is Org.BouncyCastle.Security.SecurityUtilityException || ex is Org.BouncyCastle.Crypto.CryptoException)
            {
                return new List<byte[]>();
            }

            return Distinct(certificates);
        }

        private static void Bound(List<byte[]> certificates)
        {
            if (certificates.Count > MaximumCertificates)
            {
                throw new Errors.SaleschatException(Errors.ErrorIds.InvalidCertificatePem, Errors.ErrorKind.InvalidData,
                    $"The certificate file holds more than {MaximumCertificates} certificates; a client certificate's chain is the leaf and a few CA certificates. Give only those.", certificates.Count);
            }
        }

        private static List<byte[]> Distinct(List<byte[]> certificates)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var distinct = new List<byte[]>();
            foreach (byte[] der in certificates)
            {
                if (seen.Add(Convert.ToBase64String(der)))
                {
                    distinct.Add(der);
                }
            }

            return distinct;
        }
    }
}
