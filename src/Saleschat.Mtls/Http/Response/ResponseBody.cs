using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Http.Response
{
    /// <summary>
    /// Reads what a server sends, within bounds: a body held in memory stops at a size (default
    /// 256 MiB), an error body is kept only up to 64 KiB, and a compressed body may not inflate more than
    /// <see cref="MaximumRatio"/> times past <see cref="RatioFloor"/> (a gzip bomb: 4 MB on the wire, 4 GiB on disk).
    /// Decompression happens here, not in the handler, because only here are both sides counted.
    /// </summary>
    public sealed class ResponseBody : IDisposable
    {
        /// <summary>The default cap on a body held in memory (-MaximumResponseSize).</summary>
        public const long DefaultMaximumSize = 256L * 1024 * 1024;

        /// <summary>The most of an error answer that is read (the rest is never downloaded).</summary>
        public const int ErrorBodyLimit = ServerText.DetailsLimit;

        /// <summary>Below this many decompressed bytes the ratio is not checked: small answers compress well.</summary>
        public const long RatioFloor = 16L * 1024 * 1024;

        /// <summary>Text and JSON rarely compress beyond 20:1 and almost never beyond 100:1; zeros reach 1,000:1.</summary>
        public const int MaximumRatio = 250;

        private const int ReadSize = 81920;

        private readonly Stream _raw;
        private readonly CountingStream _compressed;
        private readonly Stream _decoded;
        private readonly long _limit;
        private readonly string _describe;

        private ResponseBody(Stream raw, bool gzip, long limit, string describe)
        {
            _raw = raw;
            _limit = limit;
            _describe = describe;
            if (gzip)
            {
                _compressed = new CountingStream(raw);
                _decoded = new GZipStream(_compressed, CompressionMode.Decompress);
            }
            else
            {
                _decoded = raw;
            }
        }

        /// <summary>Decoded bytes read so far.</summary>
        public long Read { get; private set; }

        /// <param name="describe">Names the answer in errors, e.g. "GET https://host/x answered 200 OK".</param>
        public static async Task<ResponseBody> OpenAsync(HttpContent content, long limit, string describe)
        {
            Stream raw = await content.ReadAsStreamAsync().ConfigureAwait(false);
            bool gzip = false;
            foreach (string coding in content.Headers.ContentEncoding)
            {
                gzip |= string.Equals(coding, "gzip", StringComparison.OrdinalIgnoreCase) || string.Equals(coding, "x-gzip", StringComparison.OrdinalIgnoreCase);
            }

            return new ResponseBody(raw, gzip, limit, describe);
        }

        /// <summary>The whole body in memory; over the limit it fails (<see cref="ErrorIds.ResponseTooLarge"/>), or with <paramref name="truncate"/> it stops there.</summary>
        public static async Task<BodyBuffer> ReadAllAsync(HttpContent content, long limit, bool truncate, string describe, CancellationToken token)
        {
            long? declared = content.Headers.ContentEncoding.Count == 0 ? content.Headers.ContentLength : null;
            if (declared > limit && !truncate)
            {
                throw TooLarge(describe, limit, $"it declares {Size(declared.Value)}");
            }

            var buffer = new BodyBuffer(declared.HasValue ? Math.Min(declared.Value, limit) : (long?)null);
            // The stream itself is unbounded here: this loop stops at the limit and decides what that means.
            using (ResponseBody body = await OpenAsync(content, long.MaxValue, describe).ConfigureAwait(false))
            using (token.Register(body.Dispose))
            {
                try
                {
                    while (buffer.Length < limit)
                    {
                        if (declared.HasValue && buffer.Length == declared.Value)
                        {
                            // All the declared bytes are here, and HttpClient's framing ends the body there (it never
                            // hands on bytes past Content-Length): no read just to see the end, nor a buffer for it.
                            return buffer;
                        }

                        ArraySegment<byte> free = buffer.Free();
                        int n = await body.ReadAsync(free.Array, free.Offset, (int)Math.Min(free.Count, limit - buffer.Length), token).ConfigureAwait(false);
                        if (n == 0)
                        {
                            return buffer;
                        }

                        buffer.Commit(n);
                    }

                    // At the limit: one more byte means the body is larger than allowed.
                    if (await body.ReadAsync(new byte[1], 0, 1, token).ConfigureAwait(false) > 0)
                    {
                        if (!truncate)
                        {
                            throw TooLarge(describe, limit, "it did not end there");
                        }

                        buffer.Truncated = true;
                    }

                    return buffer;
                }
                catch (ObjectDisposedException) when (token.IsCancellationRequested)
                {
                    throw new OperationCanceledException(token);
                }
            }
        }

        /// <summary>Reads decoded bytes, enforcing the size and ratio bounds.</summary>
        public async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken token)
        {
            int n;
            try
            {
                n = await _decoded.ReadAsync(buffer, offset, count, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException || ex is InvalidDataException)
            {
                // The shape HttpContent's own readers (and the handler's decompression) give a body cut off mid-way
                // or damaged gzip, which FailureClassifier names (a dropped connection, a reset HTTP/2 stream).
                throw new HttpRequestException("Error while copying content to a stream.", ex);
            }

            Read += n;
            if (Read > _limit)
            {
                throw TooLarge(_describe, _limit, "it did not end there");
            }

            if (_compressed != null && Read > RatioFloor && Read > _compressed.Count * MaximumRatio)
            {
                throw new SaleschatException(ErrorIds.ResponseTooLarge, ErrorKind.InvalidData,
                    $"{_describe}, but its gzip body inflates more than {MaximumRatio} times ({Size(_compressed.Count)} became more than {Size(Read)}): it looks like a compression bomb, so the rest was not read. If the answer is genuine, ask for it uncompressed.",
                    _describe);
            }

            return n;
        }

        public void Dispose()
        {
            _decoded.Dispose();
            _raw.Dispose();
        }

        internal static SaleschatException TooLarge(string describe, long limit, string why) =>
            new SaleschatException(ErrorIds.ResponseTooLarge, ErrorKind.InvalidData,
                $"{describe}, but its body is larger than the {Size(limit)} allowed ({why}), so the rest was not read. Raise -MaximumResponseSize, or stream it to disk with -OutFile.",
                describe);

        internal static string Size(long bytes) =>
            bytes >= 1024 * 1024
                ? (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB"
                : bytes >= 1024 ? (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB" : bytes.ToString(CultureInfo.InvariantCulture) + " bytes";

        /// <summary>Counts the compressed bytes the decompressor pulls.</summary>
        private sealed class CountingStream : Stream
        {
            private readonly Stream _inner;

            public CountingStream(Stream inner) => _inner = inner;

            public long Count { get; private set; }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => Count;
                set => throw new NotSupportedException();
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                int n = _inner.Read(buffer, offset, count);
                Count += n;
                return n;
            }

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                int n = await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
                Count += n;
                return n;
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }
}
