namespace Saleschat.Mtls
{
    public enum CheckOutcome
    {
        Passed,
        Failed,

        /// <summary>Could not be checked with what was given (no key file, say); does not fail the result.</summary>
        Skipped,
    }
}
