using System.Collections.Generic;
using System.Collections;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading.Tasks;
using System.Threading;
using System;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http.Request;
using Saleschat.Mtls.Http.Response;
using Saleschat.Mtls.Http;
using Saleschat.Mtls.Json;
using Saleschat.Mtls.Pipeline;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsLifecycle.Invoke, "SaleschatMtlsRequest")]
    [OutputType(typeof(PSObject), typeof(string))]
    public sealed class InvokeSaleschatMtlsRequestCommand : SessionCmdlet
    {
        private SaleschatSession _session;
        private ApiSender _sender;
        private SendWindow<ApiAnswer> _window;
        private RequestHeaders _headers;
        private ProgressReporter _progress;
        private bool _progressAsked;
        private long _started;
        private long _items;

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

        /// <summary>Replace an existing -OutFile file; without it the file is never overwritten.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>With -OutFile, also write the saved file (as Get-Item shows it); without -OutFile the answer is written anyway.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

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

        /// <summary>
        /// The most bytes of an answer (after decompression) held in memory; default 256 MiB. With -OutFile there is
        /// no limit unless this is given. Takes PowerShell's size suffixes: 1GB.
        /// </summary>
        [Parameter]
        [ValidateRange(1L, long.MaxValue)]
        public long MaximumResponseSize { get; set; } = ResponseBody.DefaultMaximumSize;

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

                // Through the header gate before anything is sent: a CR or LF in a header would inject headers on HTTP/1.1.
                _headers = ValidatedHeaders();

                // Host picks the virtual host (and, with it, the TLS server name) the key and certificate go to: on an
                // edge that serves several names from one address it would send them to another site.
                if (_headers != null && _headers.Contains("Host"))
                {
                    throw new SaleschatException(ErrorIds.HostHeaderNotAllowed, ErrorKind.InvalidArgument,
                        $"-Headers cannot set Host: the API key and client certificate go only to the session's host ({_session.BaseUri.Authority}). Nothing was sent.", "Host");
                }
                if (ContentType != null && !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(ContentType, out _))
                {
                    throw new SaleschatException(ErrorIds.InvalidHeader, ErrorKind.InvalidArgument,
                        $"-ContentType '{ServerText.Clean(ContentType, 200, keepLines: false)}' is not a valid media type (for example 'application/json; charset=utf-8'). Nothing was sent.",
                        "ContentType");
                }

                if (ThrottleLimit > 1)
                {
                    _window = new SendWindow<ApiAnswer>(ThrottleLimit, StopToken);
                }

                _started = System.Diagnostics.Stopwatch.GetTimestamp();
            });
        }

        // The reporter is made (and $ProgressPreference read) only when there may be something to show: a call in a
        // foreach pays one timestamp for progress, nothing else.
        private ProgressReporter Progress()
        {
            if (!_progressAsked)
            {
                _progressAsked = true;
                _progress = ProgressReporter.For(this, "Invoke-SaleschatMtlsRequest", _started);
            }

            return _progress;
        }

        protected override void ProcessRecord()
        {
            // Items done in a long pipeline; a single call never lasts past the reporter's delay between items.
            if (++_items > 1 && ProgressReporter.IsLong(_started))
            {
                Progress()?.ReportItems(_items);
            }

            if (_window != null)
            {
                IReadOnlyList<SendOutcome<ApiAnswer>> ready = null;
                RunForItem(() =>
                {
                    ApiRequest request = BuildRequest();
                    // As in RunAsync: no log lines are built for a window nobody reads with -Verbose.
                    ready = UntilStopped(() => _window.Submit((log, token) => SendAndReadAsync(_sender, request, IsVerbose ? log : null, token)));
                });
                WriteOutcomes(ready);
                return;
            }

            RunForItem(() =>
            {
                ApiRequest request = BuildRequest();
                Action tick = null;
                if (request.OutFile != null && Progress() != null)
                {
                    request.Progress = new DownloadProgress();
                    string fileName = System.IO.Path.GetFileName(request.OutFile);
                    tick = () => _progress.ReportDownload(request.Progress, fileName);
                }

                ApiAnswer answer = ReadAnswer(RunAsync((log, token) => _sender.SendAsync(request, log, token), tick));
                if (tick != null)
                {
                    _progress.Complete();   // the download's bar; a pipeline's is ended in EndProcessing
                }

                WriteResult(answer);
                WriteSavedFile(answer, request.OutFile);
            });
        }

        protected override void EndProcessing()
        {
            if (_window != null)
            {
                WriteOutcomes(UntilStopped(_window.Drain));
            }

            _progress?.Complete();
        }

        // -OutFile -PassThru: the file, as Get-Item shows it (with PSPath), like Invoke-WebRequest -OutFile -PassThru
        // gives the saved answer back.
        private void WriteSavedFile(ApiAnswer answer, string path)
        {
            if (!PassThru || path == null || !answer.Response.IsSuccess)
            {
                return;
            }

            WriteObject(SessionState.InvokeProvider.Item.Get(new[] { path }, true, true), enumerateCollection: true);
        }

        private static async Task<ApiAnswer> SendAndReadAsync(ApiSender sender, ApiRequest request, Action<string> log, CancellationToken token) =>
            ReadAnswer(await sender.SendAsync(request, log, token).ConfigureAwait(false));

        // The one rule for every send path (plain, -Verbose, -ThrottleLimit): a large JSON array's items are built as
        // they are written, anything else is read at once (ApiAnswer.ReadStreamed decides).
        private static ApiAnswer ReadAnswer(ApiResponse response) => ApiAnswer.ReadStreamed(response);

        private void WriteResult(ApiAnswer answer)
        {
            if (!answer.Response.IsSuccess)
            {
                // Through a refusing edge the error names the cause (certificate refused or expired, key rejected).
                WriteError(ToApiErrorRecord(ApiError.From(answer.Response, _session.NotAfter, _session.HasApiKey, _session.MissingClientIssuer)));
                return;
            }

            if (answer.Warning != null)
            {
                WriteWarning(answer.Warning);
            }

            if (answer.Value is IEnumerable<object> items && !(answer.Value is object[]))
            {
                // Items built as they are read: written one by one, because WriteObject(x, enumerateCollection: true)
                // queues every item before the next command runs, which would hold the whole answer again.
                foreach (object item in items)
                {
                    WriteObject(item);
                }
            }
            else if (answer.Value is object[] array)
            {
                // Like Invoke-RestMethod, a JSON array is enumerated: one object per item down the pipeline.
                WriteObject(array, enumerateCollection: true);
            }
            else if (answer.Value != null)
            {
                // One object or a string, written as it is: asking PowerShell to enumerate it costs a lookup per answer.
                WriteObject(answer.Value);
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
                    WriteSavedFile(outcome.Result, OutFile == null ? null : ResolvePath(OutFile));
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
            string method = Method.ToString().ToUpperInvariant();
            var request = new ApiRequest
            {
                Method = method,
                Uri = ApiPath.Resolve(_session.BaseUri, Path, _session.OrgId, Query),
                Timeout = TimeSpan.FromSeconds(TimeoutSec > 0 ? TimeoutSec : _session.TimeoutSec),
                Retry = _session.RetryPolicy(
                    MaximumRetryCount >= 0 ? MaximumRetryCount : (int?)null,
                    RetryIntervalSec >= 0 ? RetryIntervalSec : (int?)null),
                OutFile = ResolvePath(OutFile),
                ReplaceOutFile = Force,
                // -OutFile streams to disk: no size limit there unless one was asked for (gzip bombs are still stopped).
                MaximumResponseSize = OutFile != null && !MyInvocation.BoundParameters.ContainsKey(nameof(MaximumResponseSize))
                    ? long.MaxValue
                    : MaximumResponseSize,
                Headers = _headers,
            };

            // Checked before sending: a missing folder must not cost a request, nor look like a network failure.
            string outFolder = request.OutFile == null ? null : System.IO.Path.GetDirectoryName(request.OutFile);
            if (outFolder != null && !System.IO.Directory.Exists(outFolder))
            {
                throw new SaleschatException(ErrorIds.DirectoryNotFound, ErrorKind.ObjectNotFound,
                    $"The folder '{outFolder}' for -OutFile does not exist. Create it first, or choose another path.", request.OutFile);
            }

            SetBody(request);
            return request;
        }

        private RequestHeaders ValidatedHeaders()
        {
            if (Headers == null)
            {
                return null;
            }

            var headers = new RequestHeaders();
            foreach (DictionaryEntry header in Headers)
            {
                headers.Set(header.Key.ToString(), LanguagePrimitives.ConvertTo<string>(header.Value));
            }

            return headers;
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
            // The body is cleaned of terminal escapes and cut at 64 KiB: a 20 MB error body once became 40 MB here.
            string body = error.DetailsBody;
            record.ErrorDetails = new ErrorDetails(string.IsNullOrEmpty(body) ? error.Message : error.Message + System.Environment.NewLine + body);
            return record;
        }
    }
}
