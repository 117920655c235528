using System;
using System.IO;
using System.Text;

namespace Saleschat.Mtls.Http.Response
{
    /// <summary>The final answer to an API call, after any retries.</summary>
    public sealed class ApiResponse
    {
        private string _body;
        private BodyBuffer _content;
        private Encoding _encoding;

        public string Method { get; set; }

        public Uri Uri { get; set; }

        public int StatusCode { get; set; }

        public string ReasonPhrase { get; set; }

        public string ContentType { get; set; }

        /// <summary>
        /// The body as text; null when it was streamed to a file. Decoded from the bytes on first use only: a
        /// JSON answer is parsed from the bytes and never needs this (a string costs twice the body's size).
        /// </summary>
        public string Body
        {
            get
            {
                if (_body == null && _content != null)
                {
                    _body = DecodeSingleBlock() ?? ReadAllText();
                }

                return _body;
            }

            set
            {
                _body = value;
                _content = null;
            }
        }

        /// <summary>True when the server sent more than was kept (error bodies are kept up to 64 KiB).</summary>
        public bool BodyTruncated { get; set; }

        /// <summary>Whether there is a body (without decoding it).</summary>
        public bool HasBody => _content != null ? _content.Length > 0 : !string.IsNullOrEmpty(_body);

        /// <summary>The body's size in bytes as received (or characters, for a body set as text).</summary>
        public long BodyLength => _content != null ? _content.Length : (_body?.Length ?? 0);

        public string HttpVersion { get; set; }

        public TimeSpan Elapsed { get; set; }

        /// <summary>The Retry-After the server sent, if any.</summary>
        public TimeSpan? RetryAfter { get; set; }

        public int Attempts { get; set; }

        public bool IsSuccess => StatusCode >= 200 && StatusCode < 300;

        public bool IsJson => ContentType != null && ContentType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>The body as text to read once (a JSON parser reads it without a copy as one string).</summary>
        public TextReader OpenText()
        {
            if (_content != null)
            {
                // A byte-order mark, when present, wins over the charset, as in HttpContent.ReadAsStringAsync.
                return new StreamReader(_content.OpenRead(), _encoding ?? Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            }

            return new StringReader(_body ?? string.Empty);
        }

        /// <summary>Answers up to this size are parsed from their text (one string, no reader buffers) rather than streamed.</summary>
        public const long SmallBody = 64 * 1024;

        /// <summary>The body as text for a small answer, else a reader over its bytes: the JSON parser takes either.</summary>
        public TextReader OpenTextForParsing() => BodyLength <= SmallBody ? new StringReader(Body ?? string.Empty) : OpenText();

        // A small body in one block is decoded in one call: a StreamReader costs about 3 KiB of buffers per answer (measured
        // with GC.GetTotalAllocatedBytes in a foreach of calls). With a byte-order mark the reader decides, as before.
        private string DecodeSingleBlock()
        {
            if (!_content.TryGetSingleBlock(out ArraySegment<byte> bytes) || HasByteOrderMark(bytes))
            {
                return null;
            }

            return bytes.Count == 0 ? string.Empty : (_encoding ?? Encoding.UTF8).GetString(bytes.Array, bytes.Offset, bytes.Count);
        }

        private string ReadAllText()
        {
            using (TextReader reader = OpenText())
            {
                return reader.ReadToEnd();
            }
        }

        // The marks StreamReader detects: UTF-8, UTF-16 (both orders) and UTF-32 LE (FF FE 00 00 starts like UTF-16 LE).
        private static bool HasByteOrderMark(ArraySegment<byte> bytes)
        {
            if (bytes.Count < 2)
            {
                return false;
            }

            byte first = bytes.Array[bytes.Offset], second = bytes.Array[bytes.Offset + 1];
            return (first == 0xFE && second == 0xFF) || (first == 0xFF && second == 0xFE)
                || (first == 0xEF && second == 0xBB && bytes.Count >= 3 && bytes.Array[bytes.Offset + 2] == 0xBF)
                || (first == 0x00 && second == 0x00 && bytes.Count >= 4 && bytes.Array[bytes.Offset + 2] == 0xFE && bytes.Array[bytes.Offset + 3] == 0xFF);
        }

        internal void SetContent(BodyBuffer content, string charset)
        {
            _body = null;
            _content = content;
            BodyTruncated = content.Truncated;
            _encoding = EncodingOf(charset);
        }

        private static Encoding EncodingOf(string charset)
        {
            if (string.IsNullOrEmpty(charset))
            {
                return Encoding.UTF8;
            }

            try
            {
                return Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException)
            {
                // An unknown charset, or one the platform refuses (.NET 5+ throws NotSupportedException for UTF-7,
                // learn.microsoft.com/dotnet/fundamentals/syslib-diagnostics/syslib0001): UTF-8, as the JSON and
                // text answers here are.
                return Encoding.UTF8;
            }
        }
    }
}
