namespace Saleschat.Mtls.Cmdlets
{
    public enum SaleschatHttpMethod
    {
        Get,
        Post,
        Put,
        Patch,
        Delete,
        Head,
        Options,
    }
}
