using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace Saleschat.Mtls.Pipeline
{
    /// <summary>
    /// Runs async work from a synchronous cmdlet. Verbose lines produced on thread-pool threads are
    /// queued and written on the pipeline thread (the only thread allowed to call WriteVerbose) while
    /// the work runs, so -Verbose shows each attempt as it happens.
    /// </summary>
    internal sealed class AsyncPump
    {
        private readonly BlockingCollection<string> _lines = new BlockingCollection<string>();

        /// <summary>Pass this to the core as its log callback.</summary>
        public void Log(string line) => _lines.Add(line);

        public T Run<T>(Func<CancellationToken, Task<T>> work, Action<string> writeVerbose, CancellationToken cancellationToken)
        {
            // Started on the pipeline thread, not through Task.Run: the synchronous part (building the request)
            // is short and the core awaits with ConfigureAwait(false), so this saves a thread-pool hop per call,
            // which the benchmark showed in a foreach of small calls (tests/Saleschat.Mtls.Benchmarks).
            Task<T> task;
            try
            {
                task = work(cancellationToken);
            }
            catch (Exception ex)
            {
                task = Task.FromException<T>(ex);
            }

            task.ContinueWith(_ => _lines.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            foreach (string line in _lines.GetConsumingEnumerable())
            {
                writeVerbose(line);
            }

            return task.GetAwaiter().GetResult();
        }
    }
}
