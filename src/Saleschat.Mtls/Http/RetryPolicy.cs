using System;
using Saleschat.Mtls.Http.Failures;

namespace Saleschat.Mtls.Http
{
    /// <summary>
    /// When to try a request again, and how long to wait. 429 and 503 mean the server did not act on the
    /// request, so any method is retried, after Retry-After when given. Other 5xx, timeouts and dropped
    /// connections may come after the server acted: only idempotent methods are retried (RFC 9110 §9.2.2).
    /// </summary>
    public sealed class RetryPolicy
    {
        /// <summary>A Retry-After longer than this is not waited for: the error says when to come back.</summary>
        public static readonly TimeSpan MaximumRetryAfter = TimeSpan.FromMinutes(5);

        private static readonly TimeSpan MaximumBackoff = TimeSpan.FromSeconds(60);

        // One generator for every policy (a new Random per call would be allocated on the hot path);
        // guarded by a lock, since System.Random is not thread-safe.
        private static readonly Random SharedRandom = new Random();

        private readonly Random _random;

        public RetryPolicy(int maximumRetryCount, TimeSpan retryInterval, Random random = null)
        {
            MaximumRetryCount = Math.Max(0, maximumRetryCount);
            RetryInterval = retryInterval < TimeSpan.Zero ? TimeSpan.Zero : retryInterval;
            _random = random ?? SharedRandom;
        }

        public int MaximumRetryCount { get; }

        public TimeSpan RetryInterval { get; }

        public static bool IsIdempotent(string method)
        {
            switch (method.ToUpperInvariant())
            {
                case "GET":
                case "HEAD":
                case "PUT":
                case "DELETE":
                case "OPTIONS":
                case "TRACE":
                    return true;
                default:
                    return false;
            }
        }

        /// <param name="attempt">How many attempts have been made (1 after the first).</param>
        /// <returns>The wait before the next attempt, or null for "do not retry".</returns>
        public TimeSpan? AfterStatus(int attempt, string method, int statusCode, TimeSpan? retryAfter)
        {
            if (attempt > MaximumRetryCount)
            {
                return null;
            }

            if (statusCode == 429 || statusCode == 503)
            {
                if (retryAfter.HasValue)
                {
                    return retryAfter.Value <= MaximumRetryAfter ? (TimeSpan?)retryAfter.Value : null;
                }

                return Backoff(attempt);
            }

            bool mayHaveActed = statusCode == 500 || statusCode == 502 || statusCode == 504 || statusCode == 408;
            return mayHaveActed && IsIdempotent(method) ? Backoff(attempt) : (TimeSpan?)null;
        }

        public TimeSpan? AfterFailure(int attempt, string method, FailureKind failure)
        {
            if (attempt > MaximumRetryCount)
            {
                return null;
            }

            switch (failure)
            {
                case FailureKind.ConnectionRefused:
                    return Backoff(attempt); // nothing was sent
                case FailureKind.ConnectionClosed:
                case FailureKind.Timeout:
                case FailureKind.NetworkError:
                    return IsIdempotent(method) ? Backoff(attempt) : (TimeSpan?)null;
                default:
                    return null; // DNS, trust and certificate refusals do not heal by waiting
            }
        }

        /// <summary>Exponential backoff with "equal jitter": half fixed, half random, so clients spread out.</summary>
        public TimeSpan Backoff(int attempt)
        {
            double exponential = RetryInterval.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
            double capped = Math.Min(exponential, MaximumBackoff.TotalMilliseconds);
            double jitter;
            lock (_random)
            {
                jitter = _random.NextDouble();
            }

            return TimeSpan.FromMilliseconds(capped / 2 + (capped / 2 * jitter));
        }
    }
}
