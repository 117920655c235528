using System;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Http
{
    /// <summary>A call that got no HTTP answer: DNS, refused connection, TLS refusal, timeout, a drop.</summary>
    public sealed class TransportException : SaleschatException
    {
        public TransportException(FailureKind failure, string message, Uri uri, int attempts, Exception inner)
            : base(IdFor(failure), KindFor(failure), message, uri, inner)
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
                case FailureKind.ClientCertificateRefused:
                case FailureKind.ClientKeyUnusable:
                    return ErrorKind.AuthenticationError;
                case FailureKind.ServerCertificateUntrusted:
                    return ErrorKind.SecurityError;
                case FailureKind.Timeout:
                    return ErrorKind.OperationTimeout;
                default:
                    return ErrorKind.ConnectionError;
            }
        }
    }
}
