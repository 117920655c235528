using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.X509;
using Saleschat.Mtls.Errors;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

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

            var parsed = new List<BcCertificate>();
            foreach (byte[] der in certificates)
            {
                parsed.Add(Parse(der, source));
            }

            BcCertificate leaf = PickLeaf(parsed, source);
            var pool = new List<BcCertificate>();
            foreach (BcCertificate certificate in parsed)
            {
                if (!ReferenceEquals(certificate, leaf))
                {
                    pool.Add(certificate);
                }
            }

            foreach (byte[] der in extra ?? new byte[0][])
            {
                BcCertificate certificate = Parse(der, source);
                if (!certificate.Equals(leaf) && !pool.Exists(c => c.Equals(certificate)))
                {
                    pool.Add(certificate);
                }
            }

            var issuers = new List<X509Certificate2>();
            BcCertificate current = leaf;
            while (!IsSelfSigned(current) && pool.Count > 0)
            {
                BcCertificate parent = pool.Find(candidate => Issued(candidate, current));
                if (parent == null)
                {
                    break;
                }

                pool.Remove(parent);
                issuers.Add(new X509Certificate2(parent.GetEncoded()));
                current = parent;
            }

            if (pool.Count > 0)
            {
                BcCertificate stray = pool[0];
                throw new SaleschatException(ErrorIds.ChainDoesNotMatchCertificate, ErrorKind.InvalidData,
                    $"The chain given with '{leaf.SubjectDN}' holds '{stray.SubjectDN}' (issued by '{stray.IssuerDN}'), which is not on its path to the root{(issuers.Count == 0 ? $": the certificate's issuer is '{leaf.IssuerDN}'" : $" (the path reached '{current.SubjectDN}')")}. Give the chain the CA returned for this certificate: its leaf first, then each issuer up to the root.",
                    source);
            }

            return (leaf.GetEncoded(), issuers.ToArray());
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

        internal static bool Issued(BcCertificate issuer, BcCertificate child)
        {
            if (!issuer.SubjectDN.Equivalent(child.IssuerDN))
            {
                return false;
            }

            try
            {
                child.Verify(issuer.GetPublicKey());
                return true;
            }
            catch (Exception ex) when (ex is Org.BouncyCastle.Security.InvalidKeyException || ex is Org.BouncyCastle.Security.Certificates.CertificateException
                || ex is Org.BouncyCastle.Security.SignatureException || ex is Org.BouncyCastle.Crypto.CryptoException || ex is ArgumentException || ex is InvalidOperationException)
            {
                return false;
            }
        }

        private static bool IsSelfSigned(BcCertificate certificate) => Issued(certificate, certificate);

        /// <summary>The certificate that issued none of the others; several such (a bundle of unrelated certificates): the one that is not a CA.</summary>
        private static BcCertificate PickLeaf(List<BcCertificate> certificates, object source)
        {
            if (certificates.Count == 1)
            {
                return certificates[0];
            }

            List<BcCertificate> leaves = certificates.FindAll(candidate =>
                !certificates.Exists(other => !ReferenceEquals(other, candidate) && Issued(candidate, other)));
            if (leaves.Count > 1)
            {
                List<BcCertificate> notCa = leaves.FindAll(candidate => candidate.GetBasicConstraints() < 0);
                leaves = notCa.Count > 0 ? notCa : leaves;
            }

            if (leaves.Count != 1)
            {
                // No leaf: the certificates issue each other in a loop; several: more than one end-entity certificate.
                throw new SaleschatException(ErrorIds.ChainDoesNotMatchCertificate, ErrorKind.InvalidData,
                    $"Cannot tell which certificate is the client certificate among the {certificates.Count} in {Describe(source)}: {(leaves.Count == 0 ? "each one issued another" : $"{leaves.Count} of them are end-entity certificates ('{leaves[0].SubjectDN}', '{leaves[1].SubjectDN}')")}. Give one client certificate with its own chain.",
                    source);
            }

            return leaves[0];
        }

        private static BcCertificate Parse(byte[] der, object source)
        {
            try
            {
                BcCertificate certificate = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(der);
                if (certificate != null)
                {
                    return certificate;
                }
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is ArgumentException || ex is InvalidCastException
                || ex is Org.BouncyCastle.Security.Certificates.CertificateException || ex is Org.BouncyCastle.Asn1.Asn1Exception)
            {
            }

            throw new SaleschatException(ErrorIds.InvalidCertificatePem, ErrorKind.InvalidData,
                $"Cannot read a certificate in {Describe(source)}: its certificate data is damaged.", source);
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
