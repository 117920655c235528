namespace Saleschat.Mtls
{
    /// <summary>Saleschat's mTLS hosts. Custom is any other host given with -BaseUri (a local test host, say).</summary>
    public enum SaleschatEnvironment
    {
        Production,
        UAT,
        Custom,
    }
}
