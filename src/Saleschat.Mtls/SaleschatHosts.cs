using System;

namespace Saleschat.Mtls
{
    /// <summary>Saleschat's mTLS hosts, from its documentation.</summary>
    public static class SaleschatHosts
    {
        public static readonly Uri Production = new Uri("https://mtls.apis.saleschat.pro/");
        public static readonly Uri Uat = new Uri("https://mtls.apis.t.saleschat.pro/");

        public static Uri For(SaleschatEnvironment environment) =>
            environment == SaleschatEnvironment.UAT ? Uat : Production;
    }
}
