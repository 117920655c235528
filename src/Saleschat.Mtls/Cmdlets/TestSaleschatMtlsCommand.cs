using System.Management.Automation;
using Saleschat.Mtls.Diagnostics;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsDiagnostic.Test, "SaleschatMtls")]
    [OutputType(typeof(MtlsTestResult), typeof(bool))]
    public sealed class TestSaleschatMtlsCommand : SessionCmdlet
    {
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            RunTerminating(() =>
            {
                SaleschatSession session = ResolveSession();
                MtlsTestResult result = RunAsync((log, token) => MtlsProbe.RunAsync(session, log, token));
                WriteVerbose($"{result.Diagnosis}: {result.Message}");
                WriteObject(Quiet ? (object)result.Success : result);
            });
        }
    }
}
