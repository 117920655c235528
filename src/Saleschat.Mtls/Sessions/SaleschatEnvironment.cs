using System;

namespace Saleschat.Mtls
{
    /// <summary>Saleschat's mTLS hosts. Custom is any other host given with -BaseUri (a local test host, say).</summary>
    public enum SaleschatEnvironment
    {
        Production,
        UAT,
        Custom,
    }

    public static class SaleschatHosts
    {
        public static readonly Uri Production = new Uri("https://mtls.apis.saleschat.pro/");
        public static readonly Uri Uat = new Uri("https://mtls.apis.t.saleschat.pro/");

        public static Uri For(SaleschatEnvironment environment) =>
            environment == SaleschatEnvironment.UAT ? Uat : Production;
    }
}
