using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http;
using Saleschat.Mtls.Json;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsLifecycle.Invoke, "SaleschatMtlsRequest")]
    [OutputType(typeof(PSObject), typeof(string))]
    public sealed class InvokeSaleschatMtlsRequestCommand : SessionCmdlet
    {
        private SaleschatSession _session;
        private ApiSender _sender;
        private SendWindow<ApiAnswer> _window;

        // All of a request but its body is the same for every piped item: worked out for the first item and reused,
        // so a pipe of N items resolves its URI, policy and headers once (tests/Saleschat.Mtls.Benchmarks, piped rows).
        // A failure is not kept: each item reports it, as before.
        private ApiRequest _template;

        [Parameter]
        public SaleschatHttpMethod Method { get; set; } = SaleschatHttpMethod.Get;

        [Parameter(Mandatory = true, Position = 0)]
        [ArgumentCompleter(typeof(Completion.ApiPathCompleter))]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(ValueFromPipeline = true)]
        public object Body { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ContentType { get; set; }

        [Parameter]
        public Hashtable Query { get; set; }

        [Parameter]
        public Hashtable Headers { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string OutFile { get; set; }

        // Unset (0 for the timeout, -1 for the retry settings) means the session's value; ValidateRange keeps users to real ones.
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; }

        [Parameter]
        [ValidateRange(0, 100)]
        public int MaximumRetryCount { get; set; } = -1;

        [Parameter]
        [ValidateRange(0, 600)]
        public int RetryIntervalSec { get; set; } = -1;

        /// <summary>Piped objects sent at the same time over the session's pool; outputs keep input order.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 1;

        // Per-call setup happens once here, not per piped object: a bulk import pays it once.
        protected override void BeginProcessing()
        {
            RunTerminating(() =>
            {
                _session = ResolveSession();
                _sender = _session.Sender;
                if (Headers != null && Headers.ContainsKey("Authorization"))
                {
                    throw new SaleschatException(ErrorIds.AuthorizationHeaderNotAllowed, ErrorKind.InvalidArgument,
                        "-Headers cannot set Authorization: the session sends the API key.", "Authorization");
                }

                if (ThrottleLimit > 1)
                {
                    _window = new SendWindow<ApiAnswer>(ThrottleLimit, StopToken);
                }
            });
        }

        protected override void ProcessRecord()
        {
            if (_window != null)
            {
                IReadOnlyList<SendOutcome<ApiAnswer>> ready = null;
                RunForItem(() =>
                {
                    ApiRequest request = BuildRequest();
                    // As in RunAsync: no log lines are built for a window nobody reads with -Verbose.
                    ready = UntilStopped(() => _window.Submit((log, token) => SendAndReadAsync(request, IsVerbose ? log : null, token)));
                });
                WriteOutcomes(ready);
                return;
            }

            RunForItem(() =>
            {
                ApiRequest request = BuildRequest();
                WriteResult(RunAsync((log, token) => SendAndReadAsync(request, log, token)));
            });
        }

        protected override void EndProcessing()
        {
            if (_window != null)
            {
                WriteOutcomes(UntilStopped(_window.Drain));
            }
        }

        private async Task<ApiAnswer> SendAndReadAsync(ApiRequest request, Action<string> log, CancellationToken token) =>
            ApiAnswer.Read(await _sender.SendAsync(request, log, token).ConfigureAwait(false));

        private void WriteResult(ApiAnswer answer)
        {
            if (!answer.Response.IsSuccess)
            {
                WriteError(ToApiErrorRecord(ApiError.From(answer.Response)));
                return;
            }

            if (answer.Warning != null)
            {
                WriteWarning(answer.Warning);
            }

            if (answer.Value != null)
            {
                // Like Invoke-RestMethod, a JSON array is enumerated: one object per item down the pipeline.
                WriteObject(answer.Value, enumerateCollection: true);
            }
        }

        // With -ThrottleLimit the sends run on the pool; everything they produced is written here, on the
        // pipeline thread (the only thread allowed to write), one item at a time in input order.
        private void WriteOutcomes(IReadOnlyList<SendOutcome<ApiAnswer>> outcomes)
        {
            if (outcomes == null)
            {
                return;
            }

            foreach (SendOutcome<ApiAnswer> outcome in outcomes)
            {
                foreach (string line in outcome.Log)
                {
                    WriteVerbose(line);
                }

                if (outcome.Error is OperationCanceledException && StopToken.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }

                RunForItem(() =>
                {
                    if (outcome.Error != null)
                    {
                        ExceptionDispatchInfo.Capture(outcome.Error).Throw();
                    }

                    WriteResult(outcome.Result);
                });
            }
        }

        private T UntilStopped<T>(Func<T> wait)
        {
            try
            {
                return wait();
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        private ApiRequest BuildRequest()
        {
            ApiRequest template = _template ?? (_template = BuildTemplate());

            // Checked before sending: a missing folder must not cost a request, nor look like a network failure.
            string outFolder = template.OutFile == null ? null : System.IO.Path.GetDirectoryName(template.OutFile);
            if (outFolder != null && !System.IO.Directory.Exists(outFolder))
            {
                throw new SaleschatException(ErrorIds.DirectoryNotFound, ErrorKind.ObjectNotFound,
                    $"The folder '{outFolder}' for -OutFile does not exist. Create it first, or choose another path.", template.OutFile);
            }

            // Requests under -ThrottleLimit are in flight together: each gets its own object; the parts shared with
            // the template (URI, policy, the headers table) are only read.
            var request = new ApiRequest
            {
                Method = template.Method,
                Uri = template.Uri,
                Timeout = template.Timeout,
                Retry = template.Retry,
                OutFile = template.OutFile,
                Headers = template.Headers,
            };
            SetBody(request);
            return request;
        }

        private ApiRequest BuildTemplate()
        {
            var request = new ApiRequest
            {
                Method = MethodText(Method),
                Uri = ApiPath.Resolve(_session.BaseUri, Path, _session.OrgId, Query),
                Timeout = TimeSpan.FromSeconds(TimeoutSec > 0 ? TimeoutSec : _session.TimeoutSec),
                Retry = _session.RetryPolicy(
                    MaximumRetryCount >= 0 ? MaximumRetryCount : (int?)null,
                    RetryIntervalSec >= 0 ? RetryIntervalSec : (int?)null),
                OutFile = ResolvePath(OutFile),
            };

            if (Headers != null)
            {
                request.Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry header in Headers)
                {
                    request.Headers[header.Key.ToString()] = LanguagePrimitives.ConvertTo<string>(header.Value);
                }
            }

            return request;
        }

        // Constants rather than Enum.ToString().ToUpperInvariant() (reflection and two strings) on every call.
        private static string MethodText(SaleschatHttpMethod method)
        {
            switch (method)
            {
                case SaleschatHttpMethod.Get: return "GET";
                case SaleschatHttpMethod.Post: return "POST";
                case SaleschatHttpMethod.Put: return "PUT";
                case SaleschatHttpMethod.Patch: return "PATCH";
                case SaleschatHttpMethod.Delete: return "DELETE";
                default: return method.ToString().ToUpperInvariant();
            }
        }

        private void SetBody(ApiRequest request)
        {
            object body = Body is PSObject pso && !(pso.BaseObject is PSCustomObject) ? pso.BaseObject : Body;
            switch (body)
            {
                case null:
                    return;
                case byte[] bytes:
                    request.Body = bytes;
                    request.ContentType = ContentType ?? "application/octet-stream";
                    return;
                case string text:
                    request.Body = Encoding.UTF8.GetBytes(text);
                    request.ContentType = ContentType ?? "application/json; charset=utf-8";
                    return;
                default:
                    request.Body = Encoding.UTF8.GetBytes(JsonBody.Serialize(Body));
                    request.ContentType = ContentType ?? "application/json; charset=utf-8";
                    return;
            }
        }

        private ErrorRecord ToApiErrorRecord(ApiError error)
        {
            ErrorRecord record = ToErrorRecord(error);
            // Like the web cmdlets, the response body travels in ErrorDetails, after our one-line summary.
            string body = error.Response.Body;
            record.ErrorDetails = new ErrorDetails(string.IsNullOrEmpty(body) ? error.Message : error.Message + System.Environment.NewLine + body);
            return record;
        }
    }
}
