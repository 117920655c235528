using System.Text;

namespace Saleschat.Mtls.Http.Response
{
    /// <summary>
    /// Text a server chose (reason phrases, error bodies, descriptions) made safe to print: a hostile or broken
    /// server must not drive the user's terminal (ANSI/OSC escapes can clear the screen, retitle the window or
    /// hide text; bidi overrides reorder it) nor flood it. C0 and C1 controls (except tab and, where lines are
    /// allowed, newlines), DEL and the Unicode bidi controls are dropped; the text is cut at a length.
    /// </summary>
    public static class ServerText
    {
        /// <summary>The most of a server's text that goes into an error message.</summary>
        public const int MessageLimit = 4 * 1024;

        /// <summary>The most of an error body that goes into ErrorDetails.</summary>
        public const int DetailsLimit = 64 * 1024;

        /// <param name="text">What the server sent; null stays null.</param>
        /// <param name="maxChars">Longer text is cut, and the cut is marked.</param>
        /// <param name="keepLines">Keep line breaks (an error body); otherwise they become spaces (a message line).</param>
        public static string Clean(string text, int maxChars, bool keepLines)
        {
            if (text == null)
            {
                return null;
            }

            bool cut = text.Length > maxChars;
            int length = cut ? maxChars : text.Length;
            var clean = new StringBuilder(length + 32);
            for (int i = 0; i < length; i++)
            {
                char c = text[i];
                if (c == '\r' || c == '\n')
                {
                    if (keepLines)
                    {
                        clean.Append(c);
                    }
                    else if (clean.Length > 0 && clean[clean.Length - 1] != ' ')
                    {
                        clean.Append(' ');
                    }
                }
                else if (c == '\t' || !IsControl(c))
                {
                    clean.Append(c);
                }
            }

            if (cut)
            {
                clean.Append($" [... cut: {text.Length - maxChars} more characters]");
            }

            return clean.ToString();
        }

        /// <summary>Whether a character is dropped: C0, DEL, C1, and the bidi embedding/override/isolate marks.</summary>
        public static bool IsControl(char c) =>
            c < 0x20 || (c >= 0x7F && c <= 0x9F)
            || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
            || c == '\u200E' || c == '\u200F' || c == '\u061C';
    }
}
