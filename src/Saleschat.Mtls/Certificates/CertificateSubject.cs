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
        private readonly X509Name _original;

        private CertificateSubject(List<DerObjectIdentifier> oids, List<string> values, X509Name original = null)
        {
            _oids = oids;
            _values = values;
            _original = original;
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
                    throw Invalid(subject, $"'{Printable(part.Key)}' is not a known attribute (use C, ST, L, O, OU, CN or emailAddress)");
                }

                oids.Add(oid);
                values.Add(part.Value);
            }

            return new CertificateSubject(oids, values);
        }

        /// <summary>The subject of an existing certificate, attribute for attribute (for renewals).</summary>
        public static CertificateSubject FromDistinguishedName(byte[] der)
        {
            // Kept as it was encoded: a renewal's subject is byte for byte the old one, string types included.
            X509Name name = X509Name.GetInstance(Asn1Object.FromByteArray(der));
            return new CertificateSubject(new List<DerObjectIdentifier>(name.GetOidList()), new List<string>(name.GetValueList()), name);
        }

        public X509Name ToX509Name() => _original ?? new X509Name(_oids, _values, new SubjectEntryConverter());

        /// <summary>The subject as OpenSSL prints it with -subj, most significant part first.</summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            for (int i = 0; i < _oids.Count; i++)
            {
                sb.Append('/').Append(Symbol(_oids[i])).Append('=').Append(_values[i]);
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
                    throw Invalid(ToString(), $"{Symbol(_oids[i])} has no value");
                }

                string unsafeCharacter = UnsafeCharacter(_values[i]);
                if (unsafeCharacter != null)
                {
                    throw Invalid(Printable(_values[i]), $"{Symbol(_oids[i])} holds {unsafeCharacter}; a subject must be plain text");
                }

                if (_oids[i].Equals(X509Name.C) && (_values[i].Length != 2 || !IsAsciiLetters(_values[i])))
                {
                    throw Invalid(_values[i], $"the country must be a two-letter ISO 3166 code such as IN, not '{_values[i]}'");
                }

                if (_values[i].Length > 64)
                {
                    throw Invalid(_values[i], $"{Symbol(_oids[i])} is longer than 64 characters");
                }
            }
        }

        /// <summary>
        /// Characters a subject must not hold: control characters (NUL ends the name in C code that prints it,
        /// CR/LF forge lines in logs), Unicode bidirectional controls (U+202E makes "exe.crt" display as
        /// "trc.exe": CVE-2021-42574, "Trojan Source"), and unpaired surrogates, which no UTF-8 can encode.
        /// </summary>
        public static string UnsafeCharacter(string value)
        {
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                string code = "U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
                if (char.IsControl(c))
                {
                    return $"the control character {code}";
                }

                if (c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069'))
                {
                    return $"the bidirectional control {code}";
                }

                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(c))
                {
                    return $"the unpaired surrogate {code}";
                }
            }

            return null;
        }

        /// <summary>A value as messages may show it: control and bidi characters as U+XXXX.</summary>
        private static string Printable(string value)
        {
            var sb = new StringBuilder();
            foreach (char c in value)
            {
                sb.Append(char.IsControl(c) || char.IsSurrogate(c) || UnsafeCharacter(c.ToString()) != null
                    ? "<U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture) + ">"
                    : c.ToString());
            }

            return sb.ToString();
        }

        private static string Symbol(DerObjectIdentifier oid) =>
            X509Name.DefaultSymbols.TryGetValue(oid, out string symbol) ? symbol : oid.Id;

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
                        throw Invalid(text, $"'{Printable(part)}' is not of the form KEY=value");
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
                $"The certificate subject is not valid: {why}.", subject is string text ? Printable(text) : subject);
    }
}
