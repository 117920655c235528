using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Http.Headers;
using System.Net.Http;
using System.Threading.Tasks;
using System.Threading;
using System;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Failures;
using Saleschat.Mtls.Http.Request;
using Saleschat.Mtls.Http.Response;
using Saleschat.Mtls.Http.Transport;

namespace Saleschat.Mtls.Http
{
    /// <summary>
    /// Sends one API call over a session's transport with the API key, retrying as the policy says.
    /// Knows nothing of PowerShell: progress is reported through <see cref="Action{T}"/> callbacks.
    /// </summary>
    public sealed class ApiSender
    {
        // Constants, added without re-parsing them on every request. Only gzip is offered: ResponseBody decodes
        // it itself, counting both sides (the handler's automatic decompression cannot be bounded).
        private const string AcceptHeader = "application/json, text/plain;q=0.9, */*;q=0.1";
        private const string AcceptEncodingHeader = "gzip";

        private readonly ITransportSource _transports;
        private readonly string _authorization;

        // Session-wide, like the sender: once the host asked for HTTP/1.1, every later request of the session uses it.
        private readonly Http11Fallback _http11 = new Http11Fallback();

        /// <param name="transports">The session: each attempt takes its current pool, so a certificate switch never strands a call.</param>
        /// <param name="authorization">The whole Authorization value ("Bearer key"), built once per session, or null.</param>
        internal ApiSender(ITransportSource transports, string authorization)
        {
            _transports = transports;
            _authorization = authorization;
        }

        /// <param name="request">The call.</param>
        /// <param name="log">Receives one line per attempt and per retry (never the API key).</param>
        /// <param name="cancellationToken">Stops the call at once, including a wait between retries.</param>
        public async Task<ApiResponse> SendAsync(ApiRequest request, Action<string> log, CancellationToken cancellationToken)
        {
            var total = Stopwatch.StartNew();
            bool followedRefusal = false;
            bool resentOverHttp11 = false;
            for (int attempt = 1; ; attempt++)
            {
                _transports.Follow(log, refused: false);
                MtlsTransport used = _transports.Current;
                var stopwatch = Stopwatch.StartNew();
                using (var attemptToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    attemptToken.CancelAfter(request.Timeout);
                    TimeSpan? wait;
                    try
                    {
                        ApiResponse response = await SendOnceAsync(request, resentOverHttp11 || _http11.IsRequired, attemptToken.Token).ConfigureAwait(false);
                        response.Attempts = attempt;
                        response.Elapsed = total.Elapsed;
                        log?.Invoke($"{request.Method} {request.Uri} -> {response.StatusCode} {ServerText.Clean(response.ReasonPhrase, 200, false)} ({response.HttpVersion}, {stopwatch.ElapsedMilliseconds} ms, attempt {attempt})");
                        if (response.IsSuccess)
                        {
                            return response;
                        }

                        // An edge's refusal page (nginx 400/495/496, a 403): a pair promoted on disk meanwhile is tried once.
                        if (!followedRefusal && response.StatusCode >= 400 && ResponseRefusal.Of(response) == RefusalKind.ClientCertificate)
                        {
                            followedRefusal = true;
                            if (_transports.Follow(log, refused: true) || !ReferenceEquals(_transports.Current, used))
                            {
                                continue;
                            }
                        }

                        wait = request.Retry.AfterStatus(attempt, request.Method, response.StatusCode, response.RetryAfter);
                        if (wait == null)
                        {
                            return response;
                        }

                        log?.Invoke(RetryLine(request, wait.Value, response.StatusCode, attempt));
                    }
                    catch (ObjectDisposedException) when (_transports.IsClosed)
                    {
                        // Remove-Module or Import-Module -Force closed the session under this call.
                        throw _transports.ClosedError();
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTransportFailure(ex))
                    {
                        bool timedOut = attemptToken.IsCancellationRequested;
                        FailureKind failure = FailureClassifier.Classify(ex, timedOut);
                        if (failure == FailureKind.Http11Required && !resentOverHttp11)
                        {
                            // Not processed by the server (RFC 9113 §8.1): sent again at once over HTTP/1.1, whatever the
                            // method, as part of the same attempt; never more than once per request.
                            resentOverHttp11 = true;
                            if (_http11.Require())
                            {
                                log?.Invoke(Http11Fallback.Notice(request.Uri));
                            }

                            attempt--;
                            continue;
                        }

                        if (failure == FailureKind.ServerCertificateUntrusted && _transports.Current.ServerNameMismatched)
                        {
                            failure = FailureKind.ServerNameMismatch;
                        }

                        // What a proxy did (none is retried), and no proxy user:password from the platform's text onwards.
                        MtlsTransport current = _transports.Current;
                        failure = Proxies.ProxyFailure.Refine(failure, current.ProxyRoute, current.Validator.LastIssuer, current.Validator.ExtraAuthority, ex);
                        Exception platform = ex;
                        ex = Secrets.PlatformMessage.Scrubbed(ex);

                        // The platform's own words go to the verbose stream only; the error message stays one plain line.
                        log?.Invoke($"{request.Method} {request.Uri} failed after {stopwatch.ElapsedMilliseconds} ms: {failure} (attempt {attempt}): {OneLine(FailureClassifier.InnermostMessage(ex))}");
                        wait = request.Retry.AfterFailure(attempt, request.Method, failure);
                        if (!followedRefusal && (failure == FailureKind.ClientCertificateRefused || failure == FailureKind.ConnectionClosed))
                        {
                            // Refused (the old certificate removed from Saleschat?): a pair promoted on disk meanwhile is
                            // tried at once; the server never processed a request whose handshake it refused.
                            // Another call may have switched the session meanwhile: then this one is sent again too.
                            followedRefusal = true;
                            if (_transports.Follow(log, refused: true) || !ReferenceEquals(_transports.Current, used))
                            {
                                wait = TimeSpan.Zero;
                            }
                        }

                        if (wait == null)
                        {
                            throw Failed(failure, request, ex, timedOut, attempt, platform);
                        }

                        log?.Invoke(RetryLine(request, wait.Value, failure, attempt));
                    }

                    await Task.Delay(wait.Value, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>
        /// The transport's send, where an unreadable authentication challenge is a failure like any other: .NET's
        /// NTLM/Negotiate handler decodes the blob of a "Proxy-Authenticate: Negotiate …" answer with
        /// Convert.FromBase64String and lets its FormatException escape SendAsync (dotnet/runtime
        /// src/libraries/System.Net.Security/src/System/Net/Security/NegotiateAuthentication.cs, GetOutgoingBlob(string)),
        /// so any proxy, given credentials, could otherwise put a raw .NET exception in front of the user.
        /// </summary>
        private static async Task<HttpResponseMessage> SendReadingChallengesAsync(MtlsTransport transport, HttpRequestMessage message, CancellationToken token, bool http11)
        {
            try
            {
                return await transport.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token, http11).ConfigureAwait(false);
            }
            catch (FormatException ex)
            {
                if (transport.ProxyRoute?.InUse == true)
                {
                    // Only a proxy is given credentials, so only its challenge is decoded: it asked for authentication.
                    throw new Proxies.ProxyAnswerException(407, null);
                }

                throw new HttpRequestException("The server's authentication challenge could not be read.", ex);
            }
        }

        private async Task<ApiResponse> SendOnceAsync(ApiRequest request, bool http11, CancellationToken token)
        {
            // The part file first: a folder that cannot be written costs no request.
            using (ResponseFile file = request.OutFile == null ? null : ResponseFile.Begin(request.OutFile, request.ReplaceOutFile))
            {
                MtlsTransport transport = _transports.Acquire();
                try
                {
                    using (HttpRequestMessage message = BuildMessage(request))
                    using (HttpResponseMessage response = await SendReadingChallengesAsync(transport, message, token, http11).ConfigureAwait(false))
                    {
                        Proxies.ProxyFailure.ThrowIfProxyAnswered(response);
                        var result = new ApiResponse
                        {
                            Method = request.Method,
                            Uri = request.Uri,
                            StatusCode = (int)response.StatusCode,
                            ReasonPhrase = response.ReasonPhrase,
                            ContentType = response.Content.Headers.ContentType?.MediaType,
                            HttpVersion = VersionText(response.Version),
                            RetryAfter = RetryAfterOf(response),
                        };

                        string describe = $"{request.Method} {request.Uri} answered {result.StatusCode} {ServerText.Clean(result.ReasonPhrase, 200, false)}";
                        if (file != null && response.IsSuccessStatusCode)
                        {
                            using (ResponseBody body = await ResponseBody.OpenAsync(response.Content, request.MaximumResponseSize, describe).ConfigureAwait(false))
                            using (token.Register(body.Dispose))
                            {
                                request.Progress?.Start(response.Content.Headers.ContentEncoding.Count == 0 ? response.Content.Headers.ContentLength : null);
                                await file.WriteAsync(body, describe, !RetryPolicy.IsIdempotent(request.Method), token, request.Progress).ConfigureAwait(false);
                            }
                        }
                        else
                        {
                            // An error answer is kept only as far as a message can use it (ErrorDetails holds 64 KiB).
                            bool success = response.IsSuccessStatusCode;
                            BodyBuffer content = await ResponseBody.ReadAllAsync(
                                response.Content,
                                success ? request.MaximumResponseSize : ResponseBody.ErrorBodyLimit,
                                truncate: !success,
                                describe,
                                token).ConfigureAwait(false);
                            result.SetContent(content, response.Content.Headers.ContentType?.CharSet);
                        }

                        return result;
                    }
                }
                finally
                {
                    transport.Release();
                }
            }
        }

        private HttpRequestMessage BuildMessage(ApiRequest request)
        {
            var message = new HttpRequestMessage(MethodOf(request.Method), request.Uri);
            if (request.Headers != null)
            {
                foreach (var header in request.Headers)
                {
                    // Written as given (TryAddWithoutValidation), which is safe only because each was checked as it
                    // entered the request: RequestHeaders is the header gate.
                    message.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            message.Headers.TryAddWithoutValidation("Accept", AcceptHeader);
            message.Headers.TryAddWithoutValidation("Accept-Encoding", AcceptEncodingHeader);
            if (_authorization != null)
            {
                // The session's one plain-text copy of the header, shared by every request: none is made per request.
                message.Headers.TryAddWithoutValidation("Authorization", _authorization);
            }

            if (request.Body != null)
            {
                message.Content = new ByteArrayContent(request.Body);
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType ?? "application/json; charset=utf-8");
            }

            return message;
        }

        // The common methods and versions as shared instances: nothing allocated for them per request.
        private static HttpMethod MethodOf(string method)
        {
            switch (method)
            {
                case "GET": return HttpMethod.Get;
                case "POST": return HttpMethod.Post;
                case "PUT": return HttpMethod.Put;
                case "DELETE": return HttpMethod.Delete;
                default: return new HttpMethod(method);
            }
        }

        private static string VersionText(Version version) =>
            version.Major == 2 && version.Minor == 0 ? "HTTP/2.0"
            : version.Major == 1 && version.Minor == 1 ? "HTTP/1.1"
            : "HTTP/" + version.ToString(2);

        private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
        {
            RetryConditionHeaderValue retryAfter = response.Headers.RetryAfter;
            if (retryAfter?.Delta != null)
            {
                return retryAfter.Delta;
            }

            if (retryAfter?.Date != null)
            {
                TimeSpan until = retryAfter.Date.Value - DateTimeOffset.UtcNow;
                return until < TimeSpan.Zero ? TimeSpan.Zero : until;
            }

            return null;
        }

        private static bool IsTransportFailure(Exception ex) =>
            ex is HttpRequestException || ex is IOException || ex is OperationCanceledException
            || ex is System.Security.Authentication.AuthenticationException || ex is ObjectDisposedException;

        private TransportException Failed(FailureKind failure, ApiRequest request, Exception ex, bool timedOut, int attempt, Exception platform)
        {
            MtlsTransport transport = _transports.Current;
            string proxy = Proxies.ProxyFailure.Message(failure, $"{request.Method} {request.Uri}", request.Uri, transport.ProxyRoute, platform,
                transport.Validator.LastIssuer, transport.Validator.ExtraAuthority != null);
            if (proxy != null)
            {
                return new TransportException(failure, proxy, request.Uri, attempt, ex);
            }

            // A TLS refusal is named by the same namer as an HTTP one, with the same words (CredentialRefusal).
            DateTime notAfter = _transports.Current.ClientCertificateNotAfter;
            CredentialRefusal refusal = CredentialRefusal.OfFailure(ex, failure, notAfter, closedIsRefusal: false, _transports.Current.MissingClientIssuer);
            if (refusal != null)
            {
                return new TransportException(refusal.ErrorId, failure,
                    refusal.Message($"{request.Method} {request.Uri}", request.Uri, notAfter, hasApiKey: _authorization != null),
                    request.Uri, attempt, Secrets.PlatformMessage.Scrubbed(ex));
            }

            return new TransportException(failure, Describe(failure, request, ex, timedOut), request.Uri, attempt, Secrets.PlatformMessage.Scrubbed(ex));
        }

        private static string RetryLine(ApiRequest request, TimeSpan wait, object after, int attempt) =>
            $"Retrying {request.Method} {request.Uri} in {wait.TotalSeconds:0.##} s after {after} (attempt {attempt + 1} of {request.Retry.MaximumRetryCount + 1}).";

        private static string OneLine(string text) => text.Replace("\r", " ").Replace("\n", " ");

        private static string Describe(FailureKind failure, ApiRequest request, Exception ex, bool timedOut)
        {
            string target = $"{request.Method} {request.Uri}";
            switch (failure)
            {
                case FailureKind.Timeout:
                    return $"{target} did not answer within {request.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s. Raise -TimeoutSec or check the network.";
                case FailureKind.DnsFailure:
                    return $"{target}: the host name {request.Uri.Host} could not be resolved (DNS). Check the environment or -BaseUri, and the network's DNS.";
                case FailureKind.ConnectionRefused:
                    return $"{target}: the connection to {request.Uri.Authority} was refused. Is the host and port right, and is a firewall or proxy in the way?";
                case FailureKind.ServerCertificateUntrusted:
                    return Messages.ServerCertificateUntrusted(target, request.Uri.Host);
                case FailureKind.ServerNameMismatch:
                    return Messages.ServerNameMismatch(target, request.Uri.Host);
                case FailureKind.ClientKeyUnusable:
                    return $"{target}: Windows could not use the client certificate's private key for TLS ({OneLine(FailureClassifier.InnermostMessage(ex))}). " + ClientKeyAdvice.Text;
                case FailureKind.Http11Required:
                    return $"{target}: the server asked for HTTP/1.1 again after the request was sent over HTTP/1.1. Report this host's setup to Saleschat support.";
                case FailureKind.ConnectionClosed:
                    return Messages.ConnectionClosed(target);
                default:
                    return $"{target} failed: {OneLine(FailureClassifier.InnermostMessage(ex))}";
            }
        }
    }
}
