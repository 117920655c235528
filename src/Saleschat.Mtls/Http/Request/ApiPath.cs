using System;
using System.Collections;
using System.Text;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Http.Request
{
    /// <summary>Turns "/v2/org/{orgId}/contact" plus a query table into an absolute URI on the session's host.</summary>
    public static class ApiPath
    {
        private const string OrgPlaceholder = "{orgId}";

        public static Uri Resolve(Uri baseUri, string path, string orgId, IDictionary query)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw Invalid(path, "the path is empty");
            }

            var origin = new SessionOrigin(baseUri);

            // An absolute URL on the session's own host is taken as its path; any other stays absolute, so the
            // origin gate below refuses it, as it refuses whatever else combining makes of the path.
            if (Uri.TryCreate(path, UriKind.Absolute, out Uri absolute) && IsWebScheme(absolute) && origin.Allows(absolute))
            {
                path = absolute.PathAndQuery;
            }

            if (path.IndexOf(OrgPlaceholder, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                if (string.IsNullOrEmpty(orgId))
                {
                    throw new SaleschatException(ErrorIds.OrgIdRequired, ErrorKind.InvalidArgument,
                        $"The path '{path}' needs an org id: give -OrgId to New-SaleschatSession or set SALESCHAT_ORG_ID.", path);
                }

                path = ReplaceIgnoringCase(path, OrgPlaceholder, PathSegment.Escape(OrgPlaceholder, orgId));
            }

            string relative = path.TrimStart('/');
            string queryText = QueryString(query);
            if (queryText.Length > 0)
            {
                relative += (relative.IndexOf('?') >= 0 ? "&" : "?") + queryText;
            }

            // Backslashes and control characters are never part of a Saleschat path; on Windows "\\host\x"
            // would name a UNC host. Refuse them rather than let Uri guess.
            foreach (char c in relative)
            {
                if (c == '\\' || char.IsControl(c))
                {
                    throw Invalid(path, "it contains a backslash or a control character");
                }
            }

            if (!Uri.TryCreate(baseUri, relative, out Uri resolved))
            {
                throw Invalid(path, "it is not a valid URI path");
            }

            // The origin gate, on the URI as it will be sent (the transport asks it again for any message it is given).
            origin.Require(resolved, path);
            return resolved;
        }

        private static bool IsWebScheme(Uri uri) =>
            uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps;

        public static string QueryString(IDictionary query)
        {
            if (query == null || query.Count == 0)
            {
                return string.Empty;
            }

            var sb = new StringBuilder();
            foreach (DictionaryEntry entry in query)
            {
                string key = Uri.EscapeDataString(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture));
                object value = entry.Value is System.Management.Automation.PSObject pso ? pso.BaseObject : entry.Value;
                if (value is IEnumerable many && !(value is string))
                {
                    foreach (object item in many)
                    {
                        Append(sb, key, item);
                    }
                }
                else
                {
                    Append(sb, key, value);
                }
            }

            return sb.ToString();
        }

        private static void Append(StringBuilder sb, string key, object value)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            object plain = value is System.Management.Automation.PSObject pso ? pso.BaseObject : value;
            string text = plain is bool b ? (b ? "true" : "false")
                : plain is DateTime d ? d.ToString("o", System.Globalization.CultureInfo.InvariantCulture)
                : Convert.ToString(plain, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            sb.Append(key).Append('=').Append(Uri.EscapeDataString(text));
        }

        private static string ReplaceIgnoringCase(string text, string oldValue, string newValue)
        {
            int index;
            while ((index = text.IndexOf(oldValue, StringComparison.OrdinalIgnoreCase)) >= 0)
            {
                text = text.Substring(0, index) + newValue + text.Substring(index + oldValue.Length);
            }

            return text;
        }

        private static SaleschatException Invalid(string path, string why) =>
            new SaleschatException(ErrorIds.InvalidApiPath, ErrorKind.InvalidArgument, $"The API path '{path}' cannot be used: {why}.", path);
    }
}
