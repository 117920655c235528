using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace Saleschat.Mtls.Sessions
{
    /// <summary>
    /// The session later cmdlets use when no -Session is given: one per runspace, so parallel runspaces
    /// (and parallel tests) do not overwrite each other's default. Pass -Session to share one explicitly.
    /// </summary>
    public static class DefaultSession
    {
        private static readonly ConditionalWeakTable<Runspace, Holder> Sessions = new ConditionalWeakTable<Runspace, Holder>();

        public static SaleschatSession Current
        {
            get
            {
                Runspace runspace = Runspace.DefaultRunspace;
                return runspace != null && Sessions.TryGetValue(runspace, out Holder holder) ? holder.Session : null;
            }

            set
            {
                Runspace runspace = Runspace.DefaultRunspace;
                if (runspace != null)
                {
                    Sessions.GetValue(runspace, _ => new Holder()).Session = value;
                }
            }
        }

        private sealed class Holder
        {
            public SaleschatSession Session { get; set; }
        }
    }
}
