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

        /// <summary>True once the session was closed (Remove-Module, Import-Module -Force, Dispose).</summary>
        bool IsClosed { get; }

        /// <summary>The error for a call on a closed session.</summary>
        Errors.SaleschatException ClosedError();
    }
}
