using System;

namespace Saleschat.Mtls.Proxies
{
    /// <summary>A platform exception's place in a chain, with its message cleaned by <see cref="CredentialRedaction"/>.</summary>
    public sealed class RedactedException : Exception
    {
        public RedactedException(Exception original, string message, Exception inner)
            : base(message, inner)
        {
            OriginalType = original.GetType().FullName;
            HResult = original.HResult;
        }

        /// <summary>The type of the exception this one stands for, e.g. System.Net.Http.HttpRequestException.</summary>
        public string OriginalType { get; }

        public override string ToString() => OriginalType + ": " + Message + (InnerException != null ? " ---> " + InnerException : string.Empty);
    }
}
