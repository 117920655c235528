using System;
using System.Runtime.InteropServices;
using System.Security;

namespace Saleschat.Mtls.Secrets
{
    /// <summary>
    /// The one place a SecureString becomes readable characters. The characters live in a char[] for
    /// the duration of <paramref name="use"/> and are zeroed afterwards, so no password ends up as an
    /// immutable string on the heap.
    /// </summary>
    public static class SecretText
    {
        public static T Use<T>(SecureString secret, Func<char[], T> use)
        {
            if (secret == null)
            {
                return use(null);
            }

            char[] chars = new char[secret.Length];
            IntPtr unmanaged = IntPtr.Zero;
            try
            {
                unmanaged = Marshal.SecureStringToGlobalAllocUnicode(secret);
                Marshal.Copy(unmanaged, chars, 0, chars.Length);
                return use(chars);
            }
            finally
            {
                if (unmanaged != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
                }

                Array.Clear(chars, 0, chars.Length);
            }
        }

        /// <summary>Builds a read-only SecureString from plain text (environment variables arrive as text).</summary>
        public static SecureString FromPlainText(string text)
        {
            var secure = new SecureString();
            foreach (char c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
    }
}
