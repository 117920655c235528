using System;
using System.Collections.Generic;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// The subject of a client certificate, from Saleschat's documented parts or from a subject string in
    /// either the OpenSSL form (<c>/C=IN/ST=Maharashtra/O=Acme/CN=Acme-saleschat-mtls</c>) or the
    /// RFC 4514 form (<c>CN=Acme-saleschat-mtls, O=Acme, C=IN</c>).
    /// </summary>
    public sealed class CertificateSubject
    {
        public const string DefaultOrganizationalUnit = "Technology";
        public const string DefaultCommonName = "saleschat-mtls-client";

        private static readonly Dictionary<string, DerObjectIdentifier> Attributes =
            new Dictionary<string, DerObjectIdentifier>(StringComparer.OrdinalIgnoreCase)
            {
                ["C"] = X509Name.C, ["ST"] = X509Name.ST, ["S"] = X509Name.ST, ["L"] = X509Name.L,
                ["O"] = X509Name.O, ["OU"] = X509Name.OU, ["CN"] = X509Name.CN,
                ["emailAddress"] = X509Name.EmailAddress, ["E"] = X509Name.EmailAddress,
                ["serialNumber"] = X509Name.SerialNumber, ["DC"] = X509Name.DC, ["UID"] = X509Name.UID,
            };

        private readonly List<DerObjectIdentifier> _oids;
        private readonly List<string> _values;

        private CertificateSubject(List<DerObjectIdentifier> oids, List<string> values)
        {
            _oids = oids;
            _values = values;
            Validate();
        }

        /// <summary>The documented form: CN=&lt;Organization&gt;-saleschat-mtls, O=&lt;Organization&gt;, OU=Technology.</summary>
        public static CertificateSubject FromParts(string organization, string commonName, string organizationalUnit,
            string locality, string state, string country)
        {
            string cn = !string.IsNullOrWhiteSpace(commonName) ? commonName
                : !string.IsNullOrWhiteSpace(organization) ? organization.Trim() + "-saleschat-mtls"
                : DefaultCommonName;

            var oids = new List<DerObjectIdentifier>();
            var values = new List<string>();
            void Add(DerObjectIdentifier oid, string value)
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    oids.Add(oid);
                    values.Add(value.Trim());
                }
            }

            // Most significant first, the order `openssl req -subj "/C=/ST=/L=/O=/OU=/CN="` encodes.
            Add(X509Name.C, country);
            Add(X509Name.ST, state);
            Add(X509Name.L, locality);
            Add(X509Name.O, organization);
            Add(X509Name.OU, organizationalUnit ?? DefaultOrganizationalUnit);
            Add(X509Name.CN, cn);
            return new CertificateSubject(oids, values);
        }

        public static CertificateSubject Parse(string subject)
        {
            if (string.IsNullOrWhiteSpace(subject))
            {
                throw Invalid(subject, "it is empty");
            }

            string text = subject.Trim();
            List<KeyValuePair<string, string>> parts = text.StartsWith("/", StringComparison.Ordinal)
                ? Split(text.Substring(1), '/', quotes: false)
                : Reverse(Split(text, ',', quotes: true));   // RFC 4514 lists the most specific part (CN) first.

            var oids = new List<DerObjectIdentifier>();
            var values = new List<string>();
            foreach (KeyValuePair<string, string> part in parts)
            {
                if (!Attributes.TryGetValue(part.Key, out DerObjectIdentifier oid))
                {
                    throw Invalid(subject, $"'{part.Key}' is not a known attribute (use C, ST, L, O, OU, CN or emailAddress)");
                }

                oids.Add(oid);
                values.Add(part.Value);
            }

            return new CertificateSubject(oids, values);
        }

        /// <summary>The subject of an existing certificate, attribute for attribute (for renewals).</summary>
        public static CertificateSubject FromDistinguishedName(byte[] der)
        {
            X509Name name = X509Name.GetInstance(Asn1Object.FromByteArray(der));
            return new CertificateSubject(new List<DerObjectIdentifier>(name.GetOidList()), new List<string>(name.GetValueList()));
        }

        public X509Name ToX509Name() => new X509Name(_oids, _values);

        /// <summary>The subject as OpenSSL prints it with -subj, most significant part first.</summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            for (int i = 0; i < _oids.Count; i++)
            {
                sb.Append('/').Append(X509Name.DefaultSymbols[_oids[i]]).Append('=').Append(_values[i]);
            }

            return sb.ToString();
        }

        private void Validate()
        {
            if (_oids.Count == 0)
            {
                throw Invalid(null, "it has no attributes");
            }

            for (int i = 0; i < _oids.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(_values[i]))
                {
                    throw Invalid(ToString(), $"{X509Name.DefaultSymbols[_oids[i]]} has no value");
                }

                if (_oids[i].Equals(X509Name.C) && (_values[i].Length != 2 || !IsAsciiLetters(_values[i])))
                {
                    throw Invalid(_values[i], $"the country must be a two-letter ISO 3166 code such as IN, not '{_values[i]}'");
                }

                if (_values[i].Length > 64)
                {
                    throw Invalid(_values[i], $"{X509Name.DefaultSymbols[_oids[i]]} is longer than 64 characters");
                }
            }
        }

        private static bool IsAsciiLetters(string s)
        {
            foreach (char c in s)
            {
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Splits "K=V{sep}K=V", honouring backslash escapes of the separator and, with
        /// <paramref name="quotes"/>, double-quoted values: .NET's X500DistinguishedName.Name and Windows
        /// print <c>O="Acme, Inc"</c> (RFC 2253 section 4), and scripts pass <c>$cert.Subject</c> back in.
        /// </summary>
        private static List<KeyValuePair<string, string>> Split(string text, char separator, bool quotes)
        {
            var parts = new List<KeyValuePair<string, string>>();
            var current = new StringBuilder();
            bool quoted = false;
            for (int i = 0; i <= text.Length; i++)
            {
                if (i < text.Length && text[i] == '\\' && i + 1 < text.Length)
                {
                    current.Append(text[++i]);
                    continue;
                }

                if (quotes && i < text.Length && text[i] == '"')
                {
                    quoted = !quoted;
                    continue;
                }

                if (i == text.Length && quoted)
                {
                    throw Invalid(text, "a quoted value has no closing quote");
                }

                if (i == text.Length || (text[i] == separator && !quoted))
                {
                    string part = current.ToString().Trim();
                    current.Clear();
                    if (part.Length == 0)
                    {
                        continue;
                    }

                    int eq = part.IndexOf('=');
                    if (eq <= 0)
                    {
                        throw Invalid(text, $"'{part}' is not of the form KEY=value");
                    }

                    parts.Add(new KeyValuePair<string, string>(part.Substring(0, eq).Trim(), part.Substring(eq + 1).Trim()));
                    continue;
                }

                current.Append(text[i]);
            }

            return parts;
        }

        private static List<KeyValuePair<string, string>> Reverse(List<KeyValuePair<string, string>> parts)
        {
            parts.Reverse();
            return parts;
        }

        private static SaleschatException Invalid(object subject, string why) =>
            new SaleschatException(ErrorIds.InvalidSubject, ErrorKind.InvalidArgument,
                $"The certificate subject is not valid: {why}.", subject);
    }
}
