using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Saleschat.Mtls.Pipeline
{
    /// <summary>One finished send from a <see cref="SendWindow{T}"/>: its result or its failure, and its log lines.</summary>
    public sealed class SendOutcome<T>
    {
        private SendOutcome(T result, Exception error, IReadOnlyList<string> log)
        {
            Result = result;
            Error = error;
            Log = log;
        }

        public T Result { get; }

        /// <summary>The exception the send ended with (unwrapped), or null when it succeeded.</summary>
        public Exception Error { get; }

        public IReadOnlyList<string> Log { get; }

        internal static SendOutcome<T> From(Task<T> task, IReadOnlyList<string> log)
        {
            if (task.IsCanceled)
            {
                return new SendOutcome<T>(default(T), new OperationCanceledException(), log);
            }

            if (task.IsFaulted)
            {
                Exception error = task.Exception.InnerExceptions.Count == 1 ? task.Exception.InnerException : task.Exception;
                return new SendOutcome<T>(default(T), error, log);
            }

            return new SendOutcome<T>(task.Result, null, log);
        }
    }
}
