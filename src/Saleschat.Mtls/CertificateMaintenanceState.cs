namespace Saleschat.Mtls
{
    /// <summary>What one scheduled maintenance run found and did, from the scheduler's point of view.</summary>
    public enum CertificateMaintenanceState
    {
        /// <summary>The current certificate is outside the renewal window: nothing was done.</summary>
        NothingToDo,

        /// <summary>This run started the rotation (made the next pair): a person must upload its certificate.</summary>
        ActionRequired,

        /// <summary>A next pair was already waiting and Saleschat does not accept its certificate yet: it has not been uploaded (or not for this environment).</summary>
        WaitingForUpload,

        /// <summary>The next certificate was accepted and promoted: the pair on disk is the new one.</summary>
        Completed,

        /// <summary>The current certificate has expired, or is about to with no next one accepted: calls fail (or soon will).</summary>
        Expired,
    }
}
