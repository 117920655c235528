using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Sessions
{
    /// <summary>
    /// What an org id may be. It is put into API paths as one segment ("/v2/org/{orgId}/contact"), so it must never
    /// add or remove one: "." and ".." are removed as dot segments by every URI parser (RFC 3986 section 5.2.4),
    /// "/" and "\" split a segment, "%" would smuggle an escape, "?" and "#" end the path. Saleschat shows org ids
    /// as plain tokens (digits, letters, UUIDs, slugs), so the rule is generous within what a path segment carries
    /// as itself: letters, digits and the RFC 3986 unreserved marks "-", "_", ".", "~", plus ":", "@", "+", "=", ","
    /// and ";" (pchar sub-delimiters); never a value made only of dots, whitespace or control characters.
    /// </summary>
    public static class OrgIdRule
    {
        /// <summary>Longer than any id a web app shows; keeps an error message readable.</summary>
        public const int MaximumLength = 256;

        /// <summary>What to give instead of a refused org id, wherever it was refused.</summary>
        public const string Advice = "Give the org id Saleschat shows in its web app (-OrgId or SALESCHAT_ORG_ID)";

        /// <summary>Refuses an org id that could not stand as one path segment; null (no org id) passes.</summary>
        public static void Require(string orgId)
        {
            if (orgId == null)
            {
                return;
            }

            string why = Why(orgId);
            if (why != null)
            {
                throw new SaleschatException(ErrorIds.InvalidOrgId, ErrorKind.InvalidArgument,
                    $"The org id '{Shown(orgId)}' cannot be used: {why}. {Advice}: "
                    + "letters, digits and - _ . ~ : @ + = , ; only.",
                    orgId);
            }
        }

        /// <summary>Why the value cannot be an org id, or null when it can.</summary>
        public static string Why(string orgId)
        {
            if (string.IsNullOrEmpty(orgId))
            {
                return "it is empty";
            }

            if (orgId.Length > MaximumLength)
            {
                return $"it is longer than {MaximumLength} characters";
            }

            if (orgId.Trim('.').Length == 0)
            {
                return "'.' and '..' name a folder of the path, not an org, and would move the request to another API path";
            }

            foreach (char c in orgId)
            {
                if (!IsAllowed(c))
                {
                    return "it contains " + Describe(c);
                }
            }

            return null;
        }

        private static bool IsAllowed(char c) =>
            char.IsLetterOrDigit(c) && c < 0x80
            || c == '-' || c == '_' || c == '.' || c == '~'
            || c == ':' || c == '@' || c == '+' || c == '=' || c == ',' || c == ';';

        private static string Describe(char c)
        {
            if (c == '/' || c == '\\')
            {
                return $"'{c}', which would split the API path";
            }

            if (char.IsWhiteSpace(c))
            {
                return "whitespace";
            }

            if (char.IsControl(c))
            {
                return "a control character";
            }

            return $"'{c}'";
        }

        /// <summary>The value as a message may show it: control characters as \uXXXX, at most 64 characters.</summary>
        private static string Shown(string orgId)
        {
            var sb = new System.Text.StringBuilder();
            foreach (char c in orgId)
            {
                if (sb.Length >= 64)
                {
                    sb.Append("...");
                    break;
                }

                sb.Append(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) : c.ToString());
            }

            return sb.ToString();
        }
    }
}
