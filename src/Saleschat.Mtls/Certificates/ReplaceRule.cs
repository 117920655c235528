using System;
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

        /// <summary>Refuses to replace a file that holds a private key; anything unreadable is left to the writer to report.</summary>
        /// <param name="path">The file about to be replaced.</param>
        /// <param name="writing">What would be written there, for the message ("the certificate", "the answer").</param>
        /// <param name="parameter">The parameter that named the path, for the message.</param>
        public static void ThrowIfPrivateKey(string path, string writing, string parameter)
        {
            bool tooLarge;
            string text = ReadExisting(path, out tooLarge);
            if (text != null && HoldsPrivateKey(text))
            {
                throw KeyRefused(path, writing, parameter, "certificate", ".crt");
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
            string text = ReadExisting(path, out tooLarge);
            if (text == null && !tooLarge)
            {
                return;
            }

            if (text != null && HoldsPrivateKey(text))
            {
                throw KeyRefused(path, "the certificate signing request", parameter, "request", ".csr");
            }

            if (text != null && (text.Trim().Length == 0 || OnlyRequests(text)))
            {
                return;
            }

            string holds = text != null && HoldsCertificate(text) ? "holds a certificate" : "does not hold a certificate signing request";
            throw new SaleschatException(ErrorIds.WouldReplaceCertificate, ErrorKind.InvalidArgument,
                $"'{path}' {holds}; -Force replaces only an earlier certificate signing request, so nothing was written. Choose another {parameter} for the request (for example '{System.IO.Path.ChangeExtension(path, ".csr")}'), or move that file away first.",
                path);
        }

        /// <summary>The existing file's text, or null when there is none to judge (missing, not a regular file, unreadable, or too large).</summary>
        private static string ReadExisting(string path, out bool tooLarge)
        {
            tooLarge = false;
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

            try
            {
                return Encoding.UTF8.GetString(BoundedFileReader.Read(path, BoundedFileReader.PfxLimit, ErrorIds.OutputFileExists, "existing"));
            }
            catch (SaleschatException)
            {
                return null;
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
        private static SaleschatException KeyRefused(string path, string writing, string parameter, string noun, string extension) =>
            new SaleschatException(ErrorIds.WouldReplacePrivateKey, ErrorKind.InvalidArgument,
                $"'{path}' holds a private key; writing {writing} there, even with -Force, would lose the key. Choose another {parameter}" +
                (parameter == "-Path" ? $" for the {noun} (for example '{System.IO.Path.ChangeExtension(path, extension)}')." : "."),
                path);
    }
}
