using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Saleschat.Mtls.Pipeline
{
    /// <summary>
    /// Runs up to <see cref="Limit"/> sends at a time and hands their outcomes back in the order they were
    /// submitted, so a caller on one thread (the pipeline thread) can write results, errors and log lines
    /// itself. Submit, Drain and the outcomes are for that one thread; only the sends run on the pool.
    /// The caller is made to wait once twice the limit are unfinished or unread, so a long pipeline is read
    /// lazily and memory stays bounded, while a slow head item does not stall every other slot.
    /// </summary>
    /// <typeparam name="T">What one send produces.</typeparam>
    public sealed class SendWindow<T>
    {
        private readonly Queue<Pending> _pending = new Queue<Pending>();
        private readonly SemaphoreSlim _slots;
        private readonly CancellationToken _cancellationToken;
        private readonly int _capacity;

        /// <param name="limit">Sends allowed at the same time; at least 1.</param>
        /// <param name="cancellationToken">Cancels every send, queued or running, and any wait in Submit/Drain.</param>
        public SendWindow(int limit, CancellationToken cancellationToken)
        {
            if (limit < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be at least 1.");
            }

            Limit = limit;
            _capacity = 2 * limit;
            _slots = new SemaphoreSlim(limit, limit);
            _cancellationToken = cancellationToken;
        }

        public int Limit { get; }

        /// <summary>Items submitted whose outcome has not been handed back yet.</summary>
        public int Outstanding => _pending.Count;

        /// <summary>
        /// Starts <paramref name="send"/> as soon as a slot is free and returns, in submission order, every
        /// outcome that is ready; waits for the oldest ones while too many are outstanding.
        /// </summary>
        /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
        public IReadOnlyList<SendOutcome<T>> Submit(Func<Action<string>, CancellationToken, Task<T>> send)
        {
            var log = new ConcurrentQueue<string>();
            _pending.Enqueue(new Pending(RunInSlotAsync(send, log), log));
            return Take(Math.Max(0, _pending.Count - _capacity));
        }

        /// <summary>Waits for every outstanding send and returns their outcomes in submission order.</summary>
        /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
        public IReadOnlyList<SendOutcome<T>> Drain() => Take(_pending.Count);

        private async Task<T> RunInSlotAsync(Func<Action<string>, CancellationToken, Task<T>> send, ConcurrentQueue<string> log)
        {
            await _slots.WaitAsync(_cancellationToken).ConfigureAwait(false);
            try
            {
                // A slot freed by a cancelled send can reach a waiter before the waiter sees the cancellation itself
                // (SemaphoreSlim hands a released slot to the first waiter): a stopped pipeline never starts another send.
                _cancellationToken.ThrowIfCancellationRequested();
                return await send(log.Enqueue, _cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }

        private List<SendOutcome<T>> Take(int atLeast)
        {
            var ready = new List<SendOutcome<T>>();
            while (_pending.Count > 0 && (ready.Count < atLeast || _pending.Peek().Task.IsCompleted))
            {
                Pending head = _pending.Peek();
                // WaitAny, unlike Wait, does not throw for a failed send: only for our own cancellation.
                Task.WaitAny(new Task[] { head.Task }, _cancellationToken);
                _pending.Dequeue();
                ready.Add(SendOutcome<T>.From(head.Task, head.Log.ToArray()));
            }

            return ready;
        }

        private sealed class Pending
        {
            public Pending(Task<T> task, ConcurrentQueue<string> log)
            {
                Task = task;
                Log = log;
            }

            public Task<T> Task { get; }

            public ConcurrentQueue<string> Log { get; }
        }
    }
}
