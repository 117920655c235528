using System;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Keys;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Builds the self-signed X.509 v3 certificate Saleschat asks for: RSA key, SHA-256 signature,
    /// one year by default, profiled for TLS client authentication.
    /// </summary>
    public static class ClientCertificateBuilder
    {
        public const int DefaultValidityDays = 365;
        public const int MaximumValidityDays = 3650;
        public const int MinimumKeySize = 2048;

        public static X509Certificate Build(RsaPrivateCrtKeyParameters key, CertificateSubject subject, int validityDays, DateTime utcNow)
        {
            if (validityDays < 1 || validityDays > MaximumValidityDays)
            {
                throw new SaleschatException(ErrorIds.InvalidValidityDays, ErrorKind.InvalidArgument,
                    $"-ValidityDays must be between 1 and {MaximumValidityDays}; Saleschat asks for 365 (one year).", validityDays);
            }

            RequireKeySize(key);

            RsaKeyParameters publicKey = RsaKeyConverter.PublicOf(key);
            X509Name name = subject.ToX509Name();
            DateTime notBefore = new DateTime(utcNow.Ticks - (utcNow.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

            var generator = new X509V3CertificateGenerator();
            generator.SetSerialNumber(RandomSerial());
            generator.SetIssuerDN(name);
            generator.SetSubjectDN(name);
            generator.SetNotBefore(notBefore);
            generator.SetNotAfter(notBefore.AddDays(validityDays));
            generator.SetPublicKey(publicKey);

            AddClientAuthProfile(generator.AddExtension);
            generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(publicKey));
            generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(publicKey));

            return generator.Generate(new Asn1SignatureFactory("SHA256WITHRSA", key));
        }

        /// <summary>Refuses a key smaller than Saleschat accepts, for a certificate and for a signing request alike.</summary>
        /// <exception cref="SaleschatException"><see cref="ErrorIds.KeyTooSmall"/>.</exception>
        public static void RequireKeySize(RsaKeyParameters key)
        {
            if (key.Modulus.BitLength < MinimumKeySize)
            {
                throw new SaleschatException(ErrorIds.KeyTooSmall, ErrorKind.InvalidData, Messages.KeyTooSmall(key.Modulus.BitLength), key.Modulus.BitLength);
            }
        }

        /// <summary>
        /// The client-auth profile, for the self-signed certificate and a signing request's extension request alike: not
        /// a CA, signs the TLS handshake, usable only for client authentication.
        /// </summary>
        internal static void AddClientAuthProfile(Action<DerObjectIdentifier, bool, Asn1Encodable> add)
        {
            add(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
            add(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.KeyEncipherment));
            add(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_clientAuth));
        }

        /// <summary>A positive 127-bit random serial (RFC 5280: unique, at most 20 octets).</summary>
        private static BigInteger RandomSerial()
        {
            byte[] bytes = SecureRandom.GetNextBytes(new SecureRandom(), 16);
            bytes[0] &= 0x7F;
            bytes[0] |= 0x01;
            return new BigInteger(1, bytes);
        }
    }
}
