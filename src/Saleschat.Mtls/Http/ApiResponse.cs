using System;

namespace Saleschat.Mtls.Http
{
    /// <summary>The final answer to an API call, after any retries.</summary>
    public sealed class ApiResponse
    {
        public string Method { get; set; }

        public Uri Uri { get; set; }

        public int StatusCode { get; set; }

        public string ReasonPhrase { get; set; }

        public string ContentType { get; set; }

        /// <summary>The body as text; null when it was streamed to a file.</summary>
        public string Body { get; set; }

        public string HttpVersion { get; set; }

        public TimeSpan Elapsed { get; set; }

        /// <summary>The Retry-After the server sent, if any.</summary>
        public TimeSpan? RetryAfter { get; set; }

        public int Attempts { get; set; }

        public bool IsSuccess => StatusCode >= 200 && StatusCode < 300;

        public bool IsJson => ContentType != null && ContentType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0;
    }
}
