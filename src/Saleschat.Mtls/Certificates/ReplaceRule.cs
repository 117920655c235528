using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// What -Force may replace: a file of the kind being written, never the only copy of something else. Every
    /// cmdlet that writes a public file with -Force reads the existing one here (bounded) before writing: a file
    /// holding a private key is refused for everyone (a certificate, an -OutFile answer, a CSR); a certificate
    /// signing request replaces only an earlier request (or an empty file), never a certificate or anything else.
    /// </summary>
    public static class ReplaceRule
    {
        private const string RequestBegin = "-----BEGIN CERTIFICATE REQUEST-----";
        private const string NewRequestBegin = "-----BEGIN NEW CERTIFICATE REQUEST-----";

        /// <summary>
        /// Refuses to replace a file that holds a private key, or one that cannot be read to tell (renaming over a file
        /// needs only the folder's write permission: another account's key in your folder cannot be read, yet would be
        /// replaced). A folder or a link is left to the writer to report.
        /// </summary>
        /// <param name="path">The file about to be replaced.</param>
        /// <param name="writing">What would be written there, for the message ("the certificate", "the answer").</param>
        /// <param name="parameter">The parameter that named the path, for the message.</param>
        public static void ThrowIfPrivateKey(string path, string writing, string parameter)
        {
            bool tooLarge;
            string text = ReadExisting(path, out tooLarge, out string unreadable, out bool pfx);
            if ((text != null && HoldsPrivateKey(text)) || pfx || unreadable != null)
            {
                throw KeyRefused(path, writing, parameter, "certificate", ".crt", unreadable);
            }
        }

        /// <summary>
        /// Refuses to replace anything but an earlier PEM certificate signing request (or an empty file) with a new one:
        /// a certificate at the CSR's path (client.crt typed for client.csr) would otherwise be lost, and so would any
        /// other file. A missing file, a folder or a link is left to the writer to report.
        /// </summary>
        public static void ThrowUnlessRequest(string path, string parameter = "-Path")
        {
            bool tooLarge;
            string text = ReadExisting(path, out tooLarge, out string unreadable, out bool pfx);
            if (text == null && !tooLarge && unreadable == null)
            {
                return;
            }

            if ((text != null && HoldsPrivateKey(text)) || pfx)
            {
                throw KeyRefused(path, "the certificate signing request", parameter, "request", ".csr", null);
            }

            if (text != null && (text.Trim().Length == 0 || OnlyRequests(text)))
            {
                return;
            }

            string holds = unreadable != null ? $"cannot be read to check what it holds ({unreadable})"
                : text != null && HoldsCertificate(text) ? "holds a certificate" : "does not hold a certificate signing request";
            throw new SaleschatException(ErrorIds.WouldReplaceCertificate, ErrorKind.InvalidArgument,
                $"'{path}' {holds}; -Force replaces only an earlier certificate signing request, so nothing was written. Choose another {parameter} for the request (for example '{System.IO.Path.ChangeExtension(path, ".csr")}'), or move that file away first.",
                path);
        }

        /// <summary>
        /// The existing file's text, or null when there is none to judge: missing or not a regular file, too large
        /// (<paramref name="tooLarge"/>), or a regular file that cannot be read (<paramref name="unreadable"/> says why).
        /// The text is decoded by its byte order mark, with NULs dropped: Windows PowerShell 5.1's `>` and Out-File write
        /// UTF-16, in which "PRIVATE KEY-----" is not found as UTF-8. <paramref name="pfx"/>: the file is a PKCS#12 (PFX),
        /// which carries a private key in binary.
        /// </summary>
        private static string ReadExisting(string path, out bool tooLarge, out string unreadable, out bool pfx)
        {
            tooLarge = false;
            unreadable = null;
            pfx = false;
            FileFacts facts = FilePlatform.Current.Inspect(path);
            if (facts == null || facts.Kind != FileKind.Regular)
            {
                return null;
            }

            if (facts.Size > BoundedFileReader.PfxLimit)
            {
                tooLarge = true;
                return null;
            }

            byte[] content;
            try
            {
                content = BoundedFileReader.Read(path, BoundedFileReader.PfxLimit, ErrorIds.OutputFileExists, "existing");
            }
            catch (SaleschatException ex)
            {
                unreadable = Secrets.PlatformMessage.Of(ex.InnerException ?? ex)?.TrimEnd('.', ' ');
                return null;
            }

            pfx = IsPfx(content);
            using (var reader = new StreamReader(new MemoryStream(content), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            {
                return reader.ReadToEnd().Replace("\0", string.Empty);
            }
        }

        private static bool IsPfx(byte[] content)
        {
            try
            {
                return content.Length > 0 && X509Certificate2.GetCertContentType(content) == X509ContentType.Pkcs12;
            }
            catch (CryptographicException)
            {
                return false;
            }
        }

        private static bool HoldsPrivateKey(string text) => text.IndexOf("PRIVATE KEY-----", StringComparison.Ordinal) >= 0;

        private static bool HoldsCertificate(string text) =>
            text.IndexOf("CERTIFICATE-----", StringComparison.Ordinal) >= 0 || text.IndexOf("-----BEGIN PKCS7-----", StringComparison.Ordinal) >= 0;

        /// <summary>Every PEM block is a request (openssl req -text puts its dump before the block: that text is allowed).</summary>
        private static bool OnlyRequests(string text)
        {
            int blocks = Count(text, "-----BEGIN ");
            return blocks > 0 && blocks == Count(text, RequestBegin) + Count(text, NewRequestBegin);
        }

        private static int Count(string text, string value)
        {
            int count = 0;
            for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
            {
                count++;
            }

            return count;
        }

        /// <param name="noun">What -Path names in the cmdlet that writes <paramref name="writing"/>, and the extension to suggest.</param>
        /// <param name="unreadable">Why the file could not be read, when that is why it may hold a key; null when it does.</param>
        private static SaleschatException KeyRefused(string path, string writing, string parameter, string noun, string extension, string unreadable) =>
            new SaleschatException(ErrorIds.WouldReplacePrivateKey, ErrorKind.InvalidArgument,
                (unreadable == null ? $"'{path}' holds a private key; writing {writing} there, even with -Force, would lose the key. Choose another {parameter}"
                    : $"'{path}' cannot be read to check that it holds no private key ({unreadable}); writing {writing} there, even with -Force, could lose one. Choose another {parameter}") +
                (parameter == "-Path" ? $" for the {noun} (for example '{System.IO.Path.ChangeExtension(path, extension)}')." : "."),
                path);
    }
}
