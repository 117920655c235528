using System;
using System.Text;
using System.Text.RegularExpressions;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>PEM text for certificates: encoding, and finding the PEM inside text as CI secrets deliver it.</summary>
    public static class CertificatePem
    {
        private static readonly Regex CertificateBlock = new Regex(
            "-----BEGIN CERTIFICATE-----(?<body>[A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----", RegexOptions.Compiled);

        /// <summary>PEM with 64-character lines and LF endings, as OpenSSL writes it.</summary>
        public static string Encode(byte[] der)
        {
            string base64 = Convert.ToBase64String(der);
            var sb = new StringBuilder("-----BEGIN CERTIFICATE-----\n");
            for (int i = 0; i < base64.Length; i += 64)
            {
                sb.Append(base64, i, Math.Min(64, base64.Length - i)).Append('\n');
            }

            return sb.Append("-----END CERTIFICATE-----\n").ToString();
        }

        /// <summary>The DER of the first certificate in PEM text, or null when there is none.</summary>
        public static byte[] FirstCertificateDer(string pem)
        {
            Match match = CertificateBlock.Match(pem ?? string.Empty);
            if (!match.Success)
            {
                return null;
            }

            try
            {
                return Convert.FromBase64String(Regex.Replace(match.Groups["body"].Value, "\\s", string.Empty));
            }
            catch (FormatException)
            {
                return null;
            }
        }

        /// <summary>
        /// Text as a secret delivers it: PEM itself, or base64 of PEM (with or without line wraps, as
        /// `base64 -w0` or `base64` write it). Returns PEM text, or the input when it is not base64.
        /// </summary>
        public static string Unwrap(string text)
        {
            if (text == null || text.IndexOf("-----BEGIN", StringComparison.Ordinal) >= 0)
            {
                return text;
            }

            string compact = Regex.Replace(text, "\\s", string.Empty);
            try
            {
                string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(compact));
                return decoded.IndexOf("-----BEGIN", StringComparison.Ordinal) >= 0 ? decoded : text;
            }
            catch (FormatException)
            {
                return text;
            }
        }
    }
}
