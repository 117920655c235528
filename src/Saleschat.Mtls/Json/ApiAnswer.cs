using Newtonsoft.Json;
using Saleschat.Mtls.Http.Response;
using Saleschat.Mtls.Http;

namespace Saleschat.Mtls.Json
{
    /// <summary>
    /// An API response made ready for the pipeline: JSON parsed into PowerShell objects, other bodies as
    /// text. Built where the response arrives (a pool thread under -ThrottleLimit), so the pipeline thread
    /// only writes: parsing runs in parallel with the other requests.
    /// </summary>
    public sealed class ApiAnswer
    {
        private ApiAnswer(ApiResponse response, object value, string warning)
        {
            Response = response;
            Value = value;
            Warning = warning;
        }

        public ApiResponse Response { get; }

        /// <summary>What to write: PSCustomObjects, an object[] to enumerate, a string, or null for no body.</summary>
        public object Value { get; }

        /// <summary>Set when an answer labelled JSON was not valid JSON (then Value is its text).</summary>
        public string Warning { get; }

        /// <summary>Answers from this size on are streamed item by item; smaller ones are parsed in one pass.</summary>
        public const long StreamFrom = 1024 * 1024;

        /// <summary>
        /// The one rule every send path reads answers by: like <see cref="Read"/>, but a large JSON array's items are
        /// built as the pipeline takes them (after a pass that checks the JSON without building anything), so a
        /// 200 MB answer piped on is never held whole as objects, with or without -ThrottleLimit. The check may run
        /// on a pool thread; the items are built on the thread that enumerates them (the pipeline's).
        /// </summary>
        public static ApiAnswer ReadStreamed(ApiResponse response)
        {
            // Streaming pays a validating pass before the items go out; it is worth it only for a large answer. Most
            // answers are a few KiB and are read once, as before (the per-call cost the benchmark's piped rows show).
            if (!response.IsSuccess || !response.HasBody || !response.IsJson || response.BodyLength < StreamFrom)
            {
                return Read(response);
            }

            try
            {
                using (System.IO.TextReader text = response.OpenText())
                {
                    JsonResponse.Validate(text);
                }
            }
            catch (JsonException)
            {
                return Read(response); // says why, and hands over the text
            }

            return new ApiAnswer(response, JsonResponse.ReadItems(response.OpenText), null);
        }

        public static ApiAnswer Read(ApiResponse response)
        {
            if (!response.IsSuccess || !response.HasBody)
            {
                return new ApiAnswer(response, null, null); // an error, -OutFile, or 204 No Content
            }

            if (!response.IsJson)
            {
                return new ApiAnswer(response, response.Body, null);
            }

            try
            {
                object value;
                using (System.IO.TextReader text = response.OpenTextForParsing())
                {
                    value = JsonResponse.Parse(text);
                }

                return new ApiAnswer(response, value, null);
            }
            catch (UnsupportedPropertyNameException ex)
            {
                // Valid JSON that no PSCustomObject can hold faithfully: the text as it came, and how to read it.
                string which = ex.Name.Length == 0
                    ? "a property with an empty name, which a PowerShell object cannot hold"
                    : $"a property named '{ServerText.Clean(ex.Name, 200, keepLines: false)}', which PowerShell reserves for its own use";
                return new ApiAnswer(response, response.Body,
                    $"{response.Method} {response.Uri} answered JSON with {which}; writing it as text. Read it with ConvertFrom-Json -AsHashtable.");
            }
            catch (JsonException ex)
            {
                // The answer says JSON but is not: hand over the text as it came rather than lose it.
                return new ApiAnswer(response, response.Body,
                    $"{response.Method} {response.Uri} answered {response.ContentType} that is not valid JSON ({ServerText.Clean(Secrets.PlatformMessage.Of(ex), ServerText.MessageLimit, keepLines: false)}); writing it as text.");
            }
        }
    }
}
