using System;
using System.Collections.Generic;
using System.IO;

namespace Saleschat.Mtls.Http.Response
{
    /// <summary>
    /// A response body held in memory as a list of blocks rather than one growing array: a MemoryStream doubles
    /// (and copies) its way up, so a 200 MB answer briefly needed 200 + 256 MB, then a string of twice its size.
    /// This holds the bytes once, plus at most one part-filled block, and is read back through a stream.
    /// </summary>
    public sealed class BodyBuffer
    {
        private const int FirstBlock = 16 * 1024;
        private const int Block = 1024 * 1024;

        private readonly List<byte[]> _blocks = new List<byte[]>();
        private int _lastUsed;

        /// <param name="expectedLength">The declared length, if known: the first block is made exactly that big.</param>
        public BodyBuffer(long? expectedLength = null)
        {
            if (expectedLength.HasValue && expectedLength.Value > 0 && expectedLength.Value <= int.MaxValue)
            {
                _blocks.Add(new byte[expectedLength.Value]);
            }
        }

        public long Length { get; private set; }

        /// <summary>True when the body went on past what was kept (error bodies are kept up to a limit).</summary>
        public bool Truncated { get; set; }

        /// <summary>Room to read into: the free end of the last block, or a new block.</summary>
        public ArraySegment<byte> Free()
        {
            if (_blocks.Count == 0 || _lastUsed == _blocks[_blocks.Count - 1].Length)
            {
                // Blocks grow from 16 KiB to 1 MiB. A body of declared length fills its exactly sized first block and
                // ResponseBody stops there, so no block is made just to find its end.
                _blocks.Add(new byte[_blocks.Count == 0 ? FirstBlock : (int)Math.Min(Block, Math.Max(FirstBlock, 2L * _blocks[_blocks.Count - 1].Length))]);
                _lastUsed = 0;
            }

            byte[] last = _blocks[_blocks.Count - 1];
            return new ArraySegment<byte>(last, _lastUsed, last.Length - _lastUsed);
        }

        /// <summary>Records that <paramref name="count"/> bytes were written into the segment <see cref="Free"/> gave.</summary>
        public void Commit(int count)
        {
            _lastUsed += count;
            Length += count;
        }

        public Stream OpenRead() => new Reader(this);

        /// <summary>The whole body as one segment when it sits in the first block (every small answer); otherwise false.</summary>
        public bool TryGetSingleBlock(out ArraySegment<byte> body)
        {
            if (_blocks.Count > 0 && Length <= _blocks[0].Length)
            {
                body = new ArraySegment<byte>(_blocks[0], 0, (int)Length);
                return true;
            }

            body = default(ArraySegment<byte>);
            return _blocks.Count == 0; // no body at all: an empty segment
        }

        private sealed class Reader : Stream
        {
            private readonly BodyBuffer _buffer;
            private int _block;
            private int _offset;
            private long _position;

            public Reader(BodyBuffer buffer) => _buffer = buffer;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => _buffer.Length;

            public override long Position
            {
                get => _position;
                set => throw new NotSupportedException();
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                int total = 0;
                while (count > 0 && _position < _buffer.Length)
                {
                    byte[] block = _buffer._blocks[_block];
                    int used = _block == _buffer._blocks.Count - 1 ? _buffer._lastUsed : block.Length;
                    if (_offset >= used)
                    {
                        _block++;
                        _offset = 0;
                        continue;
                    }

                    int n = Math.Min(count, used - _offset);
                    Buffer.BlockCopy(block, _offset, buffer, offset, n);
                    _offset += n;
                    _position += n;
                    offset += n;
                    count -= n;
                    total += n;
                }

                return total;
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
