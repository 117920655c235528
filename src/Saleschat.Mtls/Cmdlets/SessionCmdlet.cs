using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Sessions;

namespace Saleschat.Mtls.Cmdlets
{
    /// <summary>Cmdlets that call Saleschat: -Session (default: the module's default session) and Ctrl+C.</summary>
    public abstract class SessionCmdlet : SaleschatCmdlet
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        [Parameter]
        [ValidateNotNull]
        public SaleschatSession Session { get; set; }

        /// <summary>Cancelled by Ctrl+C (StopProcessing): cuts a request, or the wait between retries, short.</summary>
        protected CancellationToken StopToken => _stopping.Token;

        protected SaleschatSession ResolveSession()
        {
            SaleschatSession session = Session ?? DefaultSession.Current;
            if (session == null)
            {
                throw new SaleschatException("NoSaleschatSession", ErrorKind.InvalidOperation,
                    "There is no Saleschat session. Run New-SaleschatSession first, or pass -Session.", null);
            }

            return session;
        }

        /// <summary>Runs async core work; its log lines become verbose output as they happen.</summary>
        protected T RunAsync<T>(System.Func<System.Action<string>, CancellationToken, Task<T>> work)
        {
            var pump = new AsyncPump();
            try
            {
                return pump.Run(token => work(pump.Log, token), WriteVerbose, StopToken);
            }
            catch (System.OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        protected override void StopProcessing() => _stopping.Cancel();
    }
}
