using System.Management.Automation;
using Saleschat.Mtls.Sessions;

namespace Saleschat.Mtls.Module
{
    /// <summary>
    /// Import-Module checks the .NET Framework version on Windows PowerShell 5.1 (one registry read; nothing at all
    /// on PowerShell 7); Remove-Module closes the default session's connections. Everything else is paid for by the
    /// first cmdlet call that uses it, so Import-Module stays fast.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport() => NetFrameworkRequirement.Check();

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            SaleschatSession session = DefaultSession.Current;
            DefaultSession.Current = null;
            session?.Dispose();
        }
    }
}
