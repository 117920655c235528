using System;
using Saleschat.Mtls.Http.Response;

namespace Saleschat.Mtls.Http.Request
{
    /// <summary>One API call, as the sender needs it; rebuilt into an HttpRequestMessage on every attempt.</summary>
    public sealed class ApiRequest
    {
        public string Method { get; set; } = "GET";

        public Uri Uri { get; set; }

        /// <summary>The body bytes, or null; kept as bytes so a retry can send them again.</summary>
        public byte[] Body { get; set; }

        public string ContentType { get; set; }

        /// <summary>Extra headers, each checked as it was set (the header gate), or null for none (most calls: nothing is allocated for them).</summary>
        public RequestHeaders Headers { get; set; }

        /// <summary>Stream a successful answer to this file instead of holding it in memory.</summary>
        public string OutFile { get; set; }

        /// <summary>Replace an existing <see cref="OutFile"/> (-Force); without it an existing file is never touched.</summary>
        public bool ReplaceOutFile { get; set; }

        /// <summary>Where a download to <see cref="OutFile"/> reports its bytes, when someone shows them; null otherwise.</summary>
        public DownloadProgress Progress { get; set; }

        /// <summary>
        /// The most body bytes (after decompression) accepted: held in memory, or written to <see cref="OutFile"/>.
        /// A hostile or broken server must not be able to take all memory or disk.
        /// </summary>
        public long MaximumResponseSize { get; set; } = ResponseBody.DefaultMaximumSize;

        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

        public RetryPolicy Retry { get; set; } = new RetryPolicy(0, TimeSpan.Zero);
    }
}
