using System;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Http.Request
{
    /// <summary>
    /// A value put into an API path in place of a placeholder, as exactly one segment. Uri.EscapeDataString leaves
    /// "." and ".." alone and Uri then removes them as dot segments (RFC 3986 section 5.2.4), so "/v2/org/../contact"
    /// would become "/v2/contact": such values, and any that would split the segment, are refused whatever their
    /// source.
    /// </summary>
    public static class PathSegment
    {
        public static string Escape(string placeholder, string value)
        {
            if (string.IsNullOrEmpty(value) || value.Trim('.').Length == 0
                || value.IndexOf('/') >= 0 || value.IndexOf('\\') >= 0)
            {
                throw new SaleschatException(ErrorIds.InvalidOrgId, ErrorKind.InvalidArgument,
                    $"The value '{value}' for {placeholder} would add or remove a segment of the API path, so the request would reach another API path: refused before connecting. "
                    + Sessions.OrgIdRule.Advice + ".",
                    value);
            }

            return Uri.EscapeDataString(value);
        }
    }
}
