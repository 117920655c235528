using System;

namespace Saleschat.Mtls.Secrets
{
    /// <summary>
    /// A platform exception whose message held credentials, kept with the credentials removed: its type name and
    /// HResult stay, so the error record still says what failed.
    /// </summary>
    public sealed class RedactedPlatformException : Exception
    {
        public RedactedPlatformException(Exception original, string redactedMessage, Exception inner)
            : base(redactedMessage, inner)
        {
            OriginalType = original.GetType().FullName;
            HResult = original.HResult;
        }

        /// <summary>The full name of the platform's exception type (System.Net.Http.HttpRequestException, ...).</summary>
        public string OriginalType { get; }

        public override string ToString() =>
            OriginalType + ": " + Message + (InnerException != null ? " ---> " + InnerException : string.Empty);
    }
}
