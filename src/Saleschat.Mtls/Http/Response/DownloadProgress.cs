using System.Diagnostics;
using System.Threading;

namespace Saleschat.Mtls.Http.Response
{
    /// <summary>
    /// How far a download to a file has come, written by the thread that copies the body (one Interlocked add per
    /// chunk) and read by whoever shows it; it knows nothing of PowerShell.
    /// </summary>
    public sealed class DownloadProgress
    {
        private readonly Stopwatch _clock = new Stopwatch();
        private long _bytes;
        private long _total = -1;
        private bool _started;

        /// <summary>A new body begins (a retry starts over): its declared length, or null when the server gave none.</summary>
        public void Start(long? total)
        {
            Interlocked.Exchange(ref _bytes, 0);
            Interlocked.Exchange(ref _total, total ?? -1);
            _clock.Restart();
            Volatile.Write(ref _started, true);
        }

        /// <summary>Whether the body has begun (the answer's headers came back).</summary>
        public bool Started => Volatile.Read(ref _started);

        public void Add(int bytes) => Interlocked.Add(ref _bytes, bytes);

        public long Bytes => Interlocked.Read(ref _bytes);

        /// <summary>The declared length (Content-Length), or null when unknown or not started.</summary>
        public long? Total
        {
            get
            {
                long total = Interlocked.Read(ref _total);
                return total < 0 ? (long?)null : total;
            }
        }

        /// <summary>Bytes per second since the body began; 0 before the first half second, when a rate means little.</summary>
        public double BytesPerSecond
        {
            get
            {
                double seconds = _clock.Elapsed.TotalSeconds;
                return seconds < 0.5 ? 0 : Bytes / seconds;
            }
        }
    }
}
