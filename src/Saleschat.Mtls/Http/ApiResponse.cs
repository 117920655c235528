using System;
using System.IO;
using System.Text;

namespace Saleschat.Mtls.Http
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
                    using (TextReader reader = OpenText())
                    {
                        _body = reader.ReadToEnd();
                    }
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
            catch (ArgumentException)
            {
                return Encoding.UTF8; // an unknown charset: UTF-8, as the JSON and text answers here are
            }
        }
    }
}
