using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Finds the leaf among a CA's reply and puts the rest in path order (the leaf's issuer first, towards the root),
    /// whatever order the file had: RFC 8446 section 4.4.2 lets a server accept any order, but not every one does, so
    /// the module always sends leaf, issuer, issuer's issuer. A certificate that belongs to no path from the leaf (a
    /// chain for another leaf, a stray certificate) is refused rather than sent.
    /// </summary>
    public static class ChainAssembler
    {
        /// <param name="certificates">The certificate file's certificates (the leaf is among them), in file order.</param>
        /// <param name="extra">The -ChainPath file's certificates, or null.</param>
        /// <param name="source">Where they came from, for messages.</param>
        /// <returns>The leaf's DER and its issuers in path order.</returns>
        public static (byte[] Leaf, X509Certificate2[] Issuers) Assemble(IList<byte[]> certificates, IList<byte[]> extra, object source)
        {
            if (certificates.Count == 1 && (extra == null || extra.Count == 0))
            {
                // The common case, a lone certificate: nothing to order, and no BouncyCastle parse on a session's start-up
                // path (its JIT alone is measurable in a fresh process; see CertificateKeyJoin).
                return (certificates[0], new X509Certificate2[0]);
            }

            var parsed = new List<X509Certificate2>();
            foreach (byte[] der in certificates)
            {
                parsed.Add(Parse(der, source));
            }

            X509Certificate2 leaf = PickLeaf(parsed, source);
            var pool = new List<X509Certificate2>();
            foreach (X509Certificate2 certificate in parsed)
            {
                if (!ReferenceEquals(certificate, leaf))
                {
                    pool.Add(certificate);
                }
            }

            foreach (byte[] der in extra ?? new byte[0][])
            {
                X509Certificate2 certificate = Parse(der, source);
                if (!SameCertificate(certificate, leaf) && !pool.Exists(c => SameCertificate(c, certificate)))
                {
                    pool.Add(certificate);
                }
            }

            var issuers = new List<X509Certificate2>();
            X509Certificate2 current = leaf;
            while (!IsSelfSigned(current) && pool.Count > 0)
            {
                X509Certificate2 parent = pool.Find(candidate => Issued(candidate, current));
                if (parent == null)
                {
                    break;
                }

                pool.Remove(parent);
                issuers.Add(parent);
                current = parent;
            }

            if (pool.Count > 0)
            {
                X509Certificate2 stray = pool[0];
                throw new SaleschatException(ErrorIds.ChainDoesNotMatchCertificate, ErrorKind.InvalidData,
                    $"The chain given with '{leaf.Subject}' holds '{stray.Subject}' (issued by '{stray.Issuer}'), which is not on its path to the root{(issuers.Count == 0 ? $": the certificate's issuer is '{leaf.Issuer}'" : $" (the path reached '{current.Subject}')")}. Give the chain the CA returned for this certificate: its leaf first, then each issuer up to the root.",
                    source);
            }

            return (leaf.RawData, issuers.ToArray());
        }

        /// <summary>The issuer that <paramref name="certificate"/>'s path still lacks (none when it reaches a self-signed root).</summary>
        public static string MissingIssuer(X509Certificate2 certificate, X509Certificate2[] issuers)
        {
            X509Certificate2 top = issuers.Length > 0 ? issuers[issuers.Length - 1] : certificate;
            return IsSelfIssued(top) ? null : top.Issuer;
        }

        /// <summary>Subject and issuer are the same name: a root (or a self-signed leaf).</summary>
        public static bool IsSelfIssued(X509Certificate2 certificate) =>
            ByteEquals(certificate.SubjectName.RawData, certificate.IssuerName.RawData);

        /// <summary>
        /// Whether <paramref name="issuer"/> issued <paramref name="child"/>, as path builders pick candidates (RFC 5280
        /// section 4.1.2.4 name chaining, RFC 4158 section 3.5.12 key identifiers): the child's issuer name is the
        /// issuer's subject, and where both carry them, the child's authority key identifier is the issuer's subject
        /// key identifier (a renewed CA keeps its name, not its key); without them, the signature. BouncyCastle's own
        /// certificate verification cost 80-200 ms per session here; the platform's RSA is native.
        /// </summary>
        internal static bool Issued(X509Certificate2 issuer, X509Certificate2 child)
        {
            if (!SameName(issuer.SubjectName, child.IssuerName))
            {
                return false;
            }

            string authorityKey = AuthorityKeyIdentifier(child);
            string subjectKey = SubjectKeyIdentifier(issuer);
            if (authorityKey != null && subjectKey != null)
            {
                return string.Equals(authorityKey, subjectKey, StringComparison.OrdinalIgnoreCase);
            }

            // Without key identifiers a name says too little (a renewed CA keeps its name): the signature decides.
            return SignatureMatches(issuer, child);
        }

        /// <summary>
        /// Whether <paramref name="issuer"/>'s RSA key verifies <paramref name="child"/>'s signature, with the platform's
        /// RSA; true where this cannot tell (another key type, RSASSA-PSS), leaving it to the server.
        /// </summary>
        private static bool SignatureMatches(X509Certificate2 issuer, X509Certificate2 child)
        {
            try
            {
                var structure = Org.BouncyCastle.Asn1.X509.X509CertificateStructure.GetInstance(Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(child.RawData));
                HashAlgorithmName? hash = RsaPkcs1Hash(structure.SignatureAlgorithm.Algorithm.Id);
                using (RSA key = issuer.GetRSAPublicKey())
                {
                    if (hash == null || key == null)
                    {
                        return true;
                    }

                    return key.VerifyData(structure.TbsCertificate.GetDerEncoded(), structure.Signature.GetOctets(), hash.Value, RSASignaturePadding.Pkcs1);
                }
            }
            catch (Exception ex) when (ex is ArgumentException || ex is System.IO.IOException || ex is InvalidCastException || ex is CryptographicException)
            {
                return false;
            }
        }

        private static HashAlgorithmName? RsaPkcs1Hash(string signatureOid)
        {
            switch (signatureOid)
            {
                case "1.2.840.113549.1.1.5": return HashAlgorithmName.SHA1;
                case "1.2.840.113549.1.1.11": return HashAlgorithmName.SHA256;
                case "1.2.840.113549.1.1.12": return HashAlgorithmName.SHA384;
                case "1.2.840.113549.1.1.13": return HashAlgorithmName.SHA512;
                default: return null;
            }
        }

        /// <summary>Issued by its own key under its own name (<see cref="Issued"/> applied to itself): a root, or a self-signed leaf.</summary>
        internal static bool IsSelfSigned(X509Certificate2 certificate) => Issued(certificate, certificate);

        private static bool SameName(X500DistinguishedName a, X500DistinguishedName b) =>
            ByteEquals(a.RawData, b.RawData) || string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase);

        private static bool SameCertificate(X509Certificate2 a, X509Certificate2 b) => ByteEquals(a.RawData, b.RawData);

        private static string SubjectKeyIdentifier(X509Certificate2 certificate)
        {
            foreach (X509Extension extension in certificate.Extensions)
            {
                if (extension is X509SubjectKeyIdentifierExtension ski)
                {
                    return ski.SubjectKeyIdentifier;
                }
            }

            return null;
        }

        /// <summary>The keyIdentifier of the authority key identifier extension (2.5.29.35), as hex, or null.</summary>
        private static string AuthorityKeyIdentifier(X509Certificate2 certificate)
        {
            X509Extension extension = certificate.Extensions["2.5.29.35"];
            if (extension == null)
            {
                return null;
            }

            try
            {
                byte[] id = Org.BouncyCastle.Asn1.X509.AuthorityKeyIdentifier.GetInstance(Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(extension.RawData)).KeyIdentifier?.GetOctets();
                return id == null ? null : BitConverter.ToString(id).Replace("-", string.Empty);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is System.IO.IOException || ex is InvalidCastException)
            {
                return null;
            }
        }

        private static bool IsCa(X509Certificate2 certificate)
        {
            foreach (X509Extension extension in certificate.Extensions)
            {
                if (extension is X509BasicConstraintsExtension constraints)
                {
                    return constraints.CertificateAuthority;
                }
            }

            return false;
        }

        /// <summary>The certificate that issued none of the others; several such (a bundle of unrelated certificates): the one that is not a CA.</summary>
        private static X509Certificate2 PickLeaf(List<X509Certificate2> certificates, object source)
        {
            List<X509Certificate2> leaves = certificates.FindAll(candidate =>
                !certificates.Exists(other => !ReferenceEquals(other, candidate) && Issued(candidate, other)));
            if (leaves.Count > 1)
            {
                List<X509Certificate2> notCa = leaves.FindAll(candidate => !IsCa(candidate));
                leaves = notCa.Count > 0 ? notCa : leaves;
            }

            if (leaves.Count != 1)
            {
                // No leaf: the certificates issue each other in a loop; several: more than one end-entity certificate.
                throw new SaleschatException(ErrorIds.ChainDoesNotMatchCertificate, ErrorKind.InvalidData,
                    $"Cannot tell which certificate is the client certificate among the {certificates.Count} in {Describe(source)}: {(leaves.Count == 0 ? "each one issued another" : $"{leaves.Count} of them are end-entity certificates ('{leaves[0].Subject}', '{leaves[1].Subject}')")}. Give one client certificate with its own chain.",
                    source);
            }

            return leaves[0];
        }

        private static X509Certificate2 Parse(byte[] der, object source)
        {
            try
            {
                return new X509Certificate2(der);
            }
            catch (CryptographicException ex)
            {
                throw new SaleschatException(ErrorIds.InvalidCertificatePem, ErrorKind.InvalidData,
                    $"Cannot read a certificate in {Describe(source)}: its certificate data is damaged.", source, ex);
            }
        }

        private static string Describe(object source) => source is string s && s != "Pem" ? $"'{s}'" : "the text";

        private static bool ByteEquals(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
