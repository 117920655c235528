using System;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Http.Failures
{
    /// <summary>A call that got no HTTP answer: DNS, refused connection, TLS refusal, timeout, a drop.</summary>
    public sealed class TransportException : SaleschatException
    {
        public TransportException(FailureKind failure, string message, Uri uri, int attempts, Exception inner)
            : this(IdFor(failure), failure, message, uri, attempts, inner)
        {
        }

        /// <summary>With another id than the failure's own, e.g. CertificateExpired for a refusal of an expired certificate.</summary>
        public TransportException(string errorId, FailureKind failure, string message, Uri uri, int attempts, Exception inner)
            : base(errorId, KindFor(failure), message, uri, inner)
        {
            Failure = failure;
            Attempts = attempts;
        }

        public FailureKind Failure { get; }

        public int Attempts { get; }

        private static string IdFor(FailureKind failure)
        {
            switch (failure)
            {
                case FailureKind.ClientCertificateRefused:
                    return ErrorIds.ServerRefusedClientCertificate;
                case FailureKind.ConnectionClosed:
                    return ErrorIds.ConnectionClosed;
                case FailureKind.ServerCertificateUntrusted:
                    return ErrorIds.ServerCertificateUntrusted;
                case FailureKind.ServerNameMismatch:
                    return ErrorIds.ServerNameMismatch;
                case FailureKind.DnsFailure:
                    return ErrorIds.DnsResolutionFailed;
                case FailureKind.ConnectionRefused:
                    return ErrorIds.ConnectionRefused;
                case FailureKind.Timeout:
                    return ErrorIds.RequestTimedOut;
                case FailureKind.ClientKeyUnusable:
                    return ErrorIds.ClientKeyUnusable;
                default:
                    return ErrorIds.NetworkError;
            }
        }

        private static ErrorKind KindFor(FailureKind failure)
        {
            switch (failure)
            {
                case FailureKind.ClientKeyUnusable:
                    return ErrorKind.AuthenticationError;

                // The same category whichever way an edge refused (a TLS alert here, an HTTP page in ApiError).
                case FailureKind.ClientCertificateRefused:
                case FailureKind.ServerCertificateUntrusted:
                case FailureKind.ServerNameMismatch:
                    return ErrorKind.SecurityError;
                case FailureKind.Timeout:
                    return ErrorKind.OperationTimeout;
                default:
                    return ErrorKind.ConnectionError;
            }
        }
    }
}
