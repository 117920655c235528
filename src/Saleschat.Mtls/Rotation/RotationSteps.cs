using System;

namespace Saleschat.Mtls.Rotation
{
    /// <summary>
    /// What a rotation asks of its caller while it runs, as plain callbacks (the service knows nothing of
    /// PowerShell): confirmation (-WhatIf, -Confirm), warnings and progress lines, the session that proves the
    /// next certificate, and the proof itself (the hello call, run as the caller runs async work).
    /// </summary>
    public sealed class RotationSteps
    {
        /// <summary>Asked before anything is written: (target, action) → go on? Null means yes.</summary>
        public Func<string, string, bool> Confirm { get; set; }

        public Action<string> Warn { get; set; }

        public Action<string> Log { get; set; }

        /// <summary>The session to prove with when resuming (may give null: the journal then vouches).</summary>
        public Func<SaleschatSession> OptionalSession { get; set; }

        /// <summary>The session to prove with for a new completion (throws when there is none).</summary>
        public Func<SaleschatSession> RequiredSession { get; set; }

        /// <summary>Runs Saleschat's hello with the given session (already switched to the next certificate).</summary>
        public Func<SaleschatSession, MtlsTestResult> Prove { get; set; }

        internal bool Confirmed(string target, string action) => Confirm == null || Confirm(target, action);
    }
}
