using System;

namespace Saleschat.Mtls.Errors
{
    /// <summary>
    /// The one exception the core throws on purpose. It carries everything a cmdlet needs to write a
    /// designed error record: a stable id, a kind, the object at fault and a message that says what to
    /// do next. Messages never contain secrets: callers pass paths and names, never key material.
    /// </summary>
    public class SaleschatException : Exception
    {
        public SaleschatException(string errorId, ErrorKind kind, string message, object target = null, Exception inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        /// <summary>Stable identifier, the first part of FullyQualifiedErrorId (e.g. KeyFileExists).</summary>
        public string ErrorId { get; }

        public ErrorKind Kind { get; }

        /// <summary>The object the error is about: a path, a certificate, a URI.</summary>
        public object Target { get; }
    }
}
