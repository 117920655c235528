using System.Globalization;
using System;
using Newtonsoft.Json.Linq;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Response;

namespace Saleschat.Mtls.Http.Failures
{
    /// <summary>
    /// A non-success answer from the API, with Saleschat's 7-digit error code when the body carries one
    /// (e.g. 4090001 UQ_CONSTRAINT_FAILED).
    /// </summary>
    public sealed class ApiError : SaleschatException
    {
        private ApiError(ApiResponse response, long? code, string codeName, string description)
            : this(ErrorIds.SaleschatApiError, KindFor(response.StatusCode), MessageFor(response, code, codeName, description), response, code, codeName, description)
        {
        }

        private ApiError(string errorId, ErrorKind kind, string message, ApiResponse response, long? code, string codeName, string description)
            : base(errorId, kind, message, response.Uri)
        {
            Response = response;
            SaleschatCode = code;
            SaleschatMessage = codeName;
            Description = description;
        }

        public ApiResponse Response { get; }

        public int StatusCode => Response.StatusCode;

        public long? SaleschatCode { get; }

        public string SaleschatMessage { get; }

        public string Description { get; }

        /// <summary>
        /// The error for an answer through an mTLS edge: when the answer is the edge refusing the certificate (or
        /// the key), the error names that cause, with its own id and category, instead of "returned 400".
        /// </summary>
        /// <param name="response">The answer.</param>
        /// <param name="certificateNotAfter">The client certificate's expiry: a refusal after it says "expired".</param>
        public static ApiError From(ApiResponse response, DateTime certificateNotAfter) => From(response, certificateNotAfter, hasApiKey: true);

        /// <param name="response">The answer.</param>
        /// <param name="certificateNotAfter">The client certificate's expiry: a refusal after it says "expired".</param>
        /// <param name="hasApiKey">Whether the session sent an API key (a 401 without one asks for one).</param>
        public static ApiError From(ApiResponse response, DateTime certificateNotAfter, bool hasApiKey)
        {
            ApiError plain = From(response);
            CredentialRefusal refusal = CredentialRefusal.OfAnswer(response, plain.SaleschatCode, certificateNotAfter);
            if (refusal?.ErrorId == null)
            {
                return plain;
            }

            ErrorKind kind = refusal.Verdict == MtlsDiagnosis.ApiKeyRejected ? ErrorKind.SecurityError
                : response.StatusCode == 403 ? ErrorKind.PermissionDenied : ErrorKind.SecurityError;
            return new ApiError(refusal.ErrorId, kind,
                refusal.Message($"{response.Method} {response.Uri}", response.Uri, certificateNotAfter, hasApiKey),
                response, plain.SaleschatCode, plain.SaleschatMessage, plain.Description);
        }

        public static ApiError From(ApiResponse response)
        {
            long? code = null;
            string name = null, description = null;
            if (response.Body != null && response.Body.TrimStart().StartsWith("{", StringComparison.Ordinal))
            {
                try
                {
                    JObject body = JObject.Parse(response.Body);
                    JToken error = body["error"] is JObject nested ? nested : (JToken)body;
                    code = ReadCode(error["code"] ?? error["errorCode"]);
                    name = TextOf(error["message"] ?? error["error"]);
                    description = TextOf(error["description"] ?? error["detail"]);
                }
                catch (Newtonsoft.Json.JsonException)
                {
                    // Not the documented error shape: the status and raw body still tell the story.
                }
            }

            // What the server wrote goes to a terminal: no escapes, and a bounded length.
            return new ApiError(response, code, Clean(name), Clean(description));
        }

        /// <summary>
        /// The error body as it may be shown (ErrorDetails): control characters removed, at most 64 KiB, and the
        /// cut said, whether it was made here or when the body was read.
        /// </summary>
        public string DetailsBody
        {
            get
            {
                string body = ServerText.Clean(Response.Body, ServerText.DetailsLimit, keepLines: true);
                return Response.BodyTruncated && body != null && body.IndexOf("[... cut", StringComparison.Ordinal) < 0
                    ? body + $" [... cut: the server sent more than {ServerText.DetailsLimit / 1024} KiB]"
                    : body;
            }
        }

        private static string Clean(string text) => ServerText.Clean(text, ServerText.MessageLimit / 2, keepLines: false);

        public static ErrorKind KindFor(int status)
        {
            switch (status)
            {
                case 400:
                case 422:
                    return ErrorKind.InvalidArgument;
                case 401:
                    return ErrorKind.SecurityError;
                case 403:
                    return ErrorKind.PermissionDenied;
                case 404:
                    return ErrorKind.ObjectNotFound;
                case 409:
                    return ErrorKind.ResourceExists;
                case 408:
                case 504:
                    return ErrorKind.OperationTimeout;
                default:
                    return status == 429 || status >= 500 ? ErrorKind.ResourceUnavailable : ErrorKind.InvalidResult;
            }
        }

        /// <summary>A field's text only when the server sent a plain value: an object where text is expected is ignored, not an error.</summary>
        private static string TextOf(JToken token) =>
            token is JValue value && value.Value != null ? Convert.ToString(value.Value, CultureInfo.InvariantCulture) : null;

        private static long? ReadCode(JToken token)
        {
            if (token == null)
            {
                return null;
            }

            return long.TryParse(token.ToString(), out long value) ? value : (long?)null;
        }

        private static string MessageFor(ApiResponse r, long? code, string name, string description)
        {
            string saleschat = code.HasValue || name != null
                ? $" Saleschat error {code?.ToString() ?? "?"} {name}{(description != null ? ": " + description : string.Empty)}."
                : string.Empty;
            return $"{r.Method} {r.Uri} returned {r.StatusCode} {ServerText.Clean(r.ReasonPhrase, 200, keepLines: false)}.{saleschat}{Hint(r)}";
        }

        private static string Hint(ApiResponse r)
        {
            // RetryPolicy does not wait longer than MaximumRetryAfter; the server's own date is what helps here.
            if (r.RetryAfter.HasValue && r.RetryAfter.Value > RetryPolicy.MaximumRetryAfter)
            {
                DateTime after = DateTime.UtcNow + r.RetryAfter.Value;
                return $" The server asks to wait {r.RetryAfter.Value.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s (Retry-After), longer than the {RetryPolicy.MaximumRetryAfter.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes a call waits: try again after {after.ToString("u", CultureInfo.InvariantCulture)}.";
            }

            switch (r.StatusCode)
            {
                case 401:
                    return " Check the API key (-ApiKey or SALESCHAT_API_KEY).";
                case 403:
                    return " Check that the API key belongs to this org and that the client certificate is uploaded for this environment.";
                case 429:
                    return " Too many requests: retries were exhausted; slow down or raise -MaximumRetryCount.";
                default:
                    return string.Empty;
            }
        }
    }
}
