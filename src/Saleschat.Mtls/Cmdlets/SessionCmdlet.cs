using System.Management.Automation;

namespace Saleschat.Mtls.Cmdlets
{
    /// <summary>Cmdlets that call Saleschat: -Session, defaulting to the module's default session.</summary>
    public abstract class SessionCmdlet : SaleschatCmdlet
    {
        [Parameter]
        [ValidateNotNull]
        public SaleschatSession Session { get; set; }

        protected SaleschatSession ResolveSession() => ResolveSession(Session);
    }
}
