namespace Saleschat.Mtls.Errors
{
    /// <summary>
    /// What kind of failure a <see cref="SaleschatException"/> is. The names match
    /// System.Management.Automation.ErrorCategory one for one, so the cmdlet layer maps them
    /// without the core having to reference PowerShell.
    /// </summary>
    public enum ErrorKind
    {
        NotSpecified,
        InvalidArgument,
        InvalidData,
        InvalidOperation,
        InvalidResult,
        ObjectNotFound,
        ResourceExists,
        ResourceUnavailable,
        PermissionDenied,
        SecurityError,
        AuthenticationError,
        ConnectionError,
        OperationTimeout,
        OperationStopped,
        ReadError,
        WriteError,
        ProtocolError,
    }
}
