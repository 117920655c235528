using System;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Http.Request
{
    /// <summary>
    /// The rule the header gate (<see cref="RequestHeaders"/>) applies to each extra request header, before anything is
    /// sent. HttpClient's TryAddWithoutValidation, which the sender needs for values .NET's parsers reject, writes a
    /// value as given: on HTTP/1.1 a CR/LF in it starts a new header of the caller's choosing (header injection).
    /// Names must be RFC 9110 tokens; values may not hold CR, LF, NUL or other control characters (tab excepted), as
    /// Invoke-RestMethod also refuses them.
    /// </summary>
    public static class HeaderValidator
    {
        // RFC 9110 section 5.6.2: token = 1*tchar.
        private const string TokenSymbols = "!#$%&'*+-.^_`|~";

        /// <exception cref="SaleschatException"><see cref="ErrorIds.InvalidHeader"/>, naming the header (never its value).</exception>
        public static void Validate(string name, string value)
        {
            if (string.IsNullOrEmpty(name) || !IsToken(name))
            {
                throw new SaleschatException(ErrorIds.InvalidHeader, ErrorKind.InvalidArgument,
                    $"The header name '{Printable(name)}' is not valid: a name is letters, digits and {TokenSymbols} only, with no spaces, colons or line breaks. Nothing was sent.",
                    Printable(name));
            }

            string problem = ValueProblem(value);
            if (problem != null)
            {
                throw new SaleschatException(ErrorIds.InvalidHeader, ErrorKind.InvalidArgument,
                    $"The value of the header '{name}' contains {problem}, which could inject other headers. Remove it; nothing was sent.",
                    name);
            }
        }

        public static bool IsToken(string name)
        {
            foreach (char c in name)
            {
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || TokenSymbols.IndexOf(c) >= 0;
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>What makes a value unsafe on the wire (a CR, LF, NUL or other control character), or null.</summary>
        public static string ValueProblem(string value)
        {
            if (value == null)
            {
                return null;
            }

            foreach (char c in value)
            {
                switch (c)
                {
                    case '\r':
                        return "a carriage return (CR)";
                    case '\n':
                        return "a line feed (LF)";
                    case '\0':
                        return "a NUL character";
                }

                if ((c < 0x20 && c != '\t') || c == 0x7F)
                {
                    return $"the control character U+{(int)c:X4}";
                }
            }

            return null;
        }

        // A bad name is shown with its controls made visible, so the message itself cannot be used to inject.
        private static string Printable(string name)
        {
            var shown = new System.Text.StringBuilder();
            foreach (char c in name ?? string.Empty)
            {
                shown.Append(c < 0x20 || c == 0x7F ? "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) : c.ToString());
            }

            return shown.ToString();
        }
    }
}
