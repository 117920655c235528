using System;
using System.Text;
using System.Text.RegularExpressions;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>PEM text for certificates: encoding, and finding the PEM inside text as CI secrets deliver it.</summary>
    public static class CertificatePem
    {
        private static readonly Regex CertificateBlock = new Regex(
            "-----BEGIN CERTIFICATE-----(?<body>[^-]*)-----END CERTIFICATE-----", RegexOptions.Compiled);

        private const string BeginCertificate = "-----BEGIN CERTIFICATE-----";

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
        /// Why <see cref="FirstCertificateDer"/> found nothing, in words a user can act on: no block at all,
        /// a block whose base64 is damaged, a block without its END line, or base64 that is not PEM.
        /// </summary>
        public static string WhyNoCertificate(string text)
        {
            text = text ?? string.Empty;
            int begin = text.IndexOf(BeginCertificate, StringComparison.Ordinal);
            if (begin >= 0)
            {
                return text.IndexOf("-----END CERTIFICATE-----", begin, StringComparison.Ordinal) < 0
                    ? "its -----BEGIN CERTIFICATE----- block has no -----END CERTIFICATE----- line (the text was cut short)"
                    : "its -----BEGIN CERTIFICATE----- block is damaged: the base64 between BEGIN and END does not decode (a character was lost or changed)";
            }

            if (text.IndexOf("-----BEGIN", StringComparison.Ordinal) >= 0)
            {
                return "it holds no -----BEGIN CERTIFICATE----- block (only other PEM blocks)";
            }

            string compact = Regex.Replace(text, "\\s", string.Empty);
            if (compact.Length >= 16 && Regex.IsMatch(compact, "^[A-Za-z0-9+/=_-]+$"))
            {
                return "it looks like base64 of a PEM file, but does not decode to PEM (the secret is damaged or cut short)";
            }

            return "it holds no -----BEGIN CERTIFICATE----- block";
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
