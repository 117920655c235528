using System.Text;

namespace Saleschat.Mtls.Keys
{
    internal static class Hex
    {
        public static string Lower(byte[] bytes)
        {
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (byte b in bytes)
            {
                sb.Append(b.ToString("x2"));
            }

            return sb.ToString();
        }
    }
}
