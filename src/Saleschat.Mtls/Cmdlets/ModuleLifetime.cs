using System.Management.Automation;
using Saleschat.Mtls.Sessions;

namespace Saleschat.Mtls.Cmdlets
{
    /// <summary>
    /// Remove-Module closes the default session's connections. Nothing runs at import: the first
    /// cmdlet call pays for what it uses, so Import-Module stays fast.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyCleanup
    {
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            SaleschatSession session = DefaultSession.Current;
            DefaultSession.Current = null;
            session?.Dispose();
        }
    }
}
