namespace Saleschat.Mtls.Http.Transport
{
    /// <summary>Where a sender gets the pool for each attempt: the session's current one, held until released.</summary>
    internal interface ITransportSource
    {
        /// <summary>The current pool, acquired (call <see cref="MtlsTransport.Release"/> when done).</summary>
        /// <exception cref="Errors.SaleschatException"><see cref="Errors.ErrorIds.SessionClosed"/> once the session is closed.</exception>
        MtlsTransport Acquire();

        /// <summary>The current pool without holding it: only to describe a failure (its certificate's expiry, a name mismatch).</summary>
        MtlsTransport Current { get; }

        /// <summary>
        /// For a session made from files: switches to a pair another process promoted, if the files changed (looked at
        /// every few seconds, or now when <paramref name="refused"/>). True when it switched.
        /// </summary>
        bool Follow(System.Action<string> log, bool refused);

        /// <summary>True once the session was closed (Remove-Module, Import-Module -Force, Dispose).</summary>
        bool IsClosed { get; }

        /// <summary>The error for a call on a closed session.</summary>
        Errors.SaleschatException ClosedError();
    }
}
