using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Newtonsoft.Json;

namespace Saleschat.Mtls.Json
{
    /// <summary>JSON answers as PowerShell objects: objects become PSCustomObjects, arrays object[].</summary>
    public static class JsonResponse
    {
        private static readonly object True = true;
        private static readonly object False = false;

        public static object Parse(string json) => Parse(new StringReader(json));

        /// <summary>Parses from a reader: a large answer is read from its bytes, never made into one string first.</summary>
        public static object Parse(TextReader text)
        {
            // Read straight into PowerShell objects: no intermediate JToken tree per answer.
            using (JsonTextReader reader = NewReader(text))
            {
                if (!ReadToken(reader))
                {
                    return null;
                }

                object value = ReadValue(reader);
                RequireNothingAfter(reader);
                return value;
            }
        }

        /// <summary>Reads the whole text without building anything: throws a JsonException where it is not valid JSON.</summary>
        public static void Validate(TextReader text)
        {
            using (JsonTextReader reader = NewReader(text))
            {
                if (!ReadToken(reader))
                {
                    return;
                }

                // Skip(), plus what building the objects would refuse: a reserved name or an unclosed value. Streamed
                // items are written as they are built, so nothing may fail half-way through.
                if (reader.TokenType == JsonToken.StartObject || reader.TokenType == JsonToken.StartArray)
                {
                    int depth = reader.Depth;
                    do
                    {
                        if (!reader.Read())
                        {
                            throw new JsonReaderException("The JSON ends before its value is closed.");
                        }

                        if (reader.TokenType == JsonToken.PropertyName)
                        {
                            UnsupportedPropertyNameException.ThrowIfUnsupported((string)reader.Value);
                        }
                    }
                    while (reader.Depth > depth || (reader.TokenType != JsonToken.EndObject && reader.TokenType != JsonToken.EndArray));
                }

                RequireNothingAfter(reader);
            }
        }

        /// <summary>
        /// The items of a top-level array one at a time (any other value as one item; null as none), built as they
        /// are enumerated: a pipeline that handles each record and lets it go never holds the whole answer as
        /// objects. Validate the text first: an error half-way would come after some items were written.
        /// </summary>
        public static IEnumerable<object> ReadItems(Func<TextReader> open)
        {
            using (TextReader text = open())
            using (JsonTextReader reader = NewReader(text))
            {
                if (!ReadToken(reader))
                {
                    yield break;
                }

                if (reader.TokenType != JsonToken.StartArray)
                {
                    object value = ReadValue(reader);
                    if (value != null)
                    {
                        yield return value;
                    }

                    yield break;
                }

                for (ReadInside(reader, JsonToken.EndArray); reader.TokenType != JsonToken.EndArray; ReadInside(reader, JsonToken.EndArray))
                {
                    yield return ReadValue(reader);
                }
            }
        }

        private static JsonTextReader NewReader(TextReader text) => new JsonTextReader(text)
        {
            ArrayPool = JsonCharPool.Instance,

            // One string per distinct property name, not one per property of every object: in a large array
            // of records the names would otherwise cost as much memory as the values.
            PropertyNameTable = new DefaultJsonNameTable(),

            // Keep dates as the text the API sent: no time-zone conversion behind the user's back.
            DateParseHandling = DateParseHandling.None,
            MaxDepth = 512,
        };

        private static void RequireNothingAfter(JsonReader reader)
        {
            if (ReadToken(reader))
            {
                throw new JsonReaderException("Unexpected content after the JSON value.");
            }
        }

        /// <summary>
        /// Builds the value that starts at the reader's token with an explicit stack of open containers, never by
        /// recursion: how deep the server's nesting goes, and how many comments it puts in, cannot reach the call
        /// stack. Json.NET's MaxDepth counts containers, not comments, and a stack overflow ends the process
        /// without running any catch or finally (learn.microsoft.com, "StackOverflowException class").
        /// </summary>
        private static object ReadValue(JsonReader reader)
        {
            var open = new Stack<OpenValue>();
            for (;;)
            {
                object value;
                switch (reader.TokenType)
                {
                    case JsonToken.StartObject:
                        open.Push(OpenValue.ForObject());
                        ReadInside(reader, JsonToken.EndObject);
                        continue;
                    case JsonToken.StartArray:
                        open.Push(OpenValue.ForArray());
                        ReadInside(reader, JsonToken.EndArray);
                        continue;
                    case JsonToken.PropertyName:
                        string name = (string)reader.Value;
                        UnsupportedPropertyNameException.ThrowIfUnsupported(name);
                        open.Peek().Name = name;
                        ReadInside(reader, JsonToken.EndObject);
                        continue;
                    case JsonToken.EndObject:
                    case JsonToken.EndArray:
                        value = open.Pop().Close();
                        break;
                    case JsonToken.Boolean:
                        // Two shared boxes instead of one per value.
                        value = (bool)reader.Value ? True : False;
                        break;
                    default:
                        value = reader.Value;
                        break;
                }

                if (open.Count == 0)
                {
                    return value;
                }

                OpenValue parent = open.Peek();
                parent.Add(value);
                ReadInside(reader, parent.IsObject ? JsonToken.EndObject : JsonToken.EndArray);
            }
        }

        /// <summary>The next token that is not a comment; false at the end of the text.</summary>
        private static bool ReadToken(JsonReader reader)
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonToken.Comment)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The next token inside an open container: a truncated answer ("[1,2") is an error, never a silently shortened object.</summary>
        private static void ReadInside(JsonReader reader, JsonToken end)
        {
            if (!ReadToken(reader))
            {
                throw new JsonReaderException($"The JSON ends before its {(end == JsonToken.EndArray ? "array" : "object")} is closed.");
            }
        }

        /// <summary>An object or array whose closing token has not been read yet.</summary>
        private sealed class OpenValue
        {
            private PSMemberInfoCollection<PSPropertyInfo> properties;
            private PSObject pso;
            private List<object> items;

            public string Name { get; set; }

            public bool IsObject => pso != null;

            public static OpenValue ForObject()
            {
                var pso = new PSObject();
                return new OpenValue { pso = pso, properties = pso.Properties };
            }

            public static OpenValue ForArray() => new OpenValue { items = new List<object>() };

            public void Add(object value)
            {
                if (pso == null)
                {
                    items.Add(value);
                    return;
                }

                // preValidated: a new PSCustomObject has no members to clash with and the reserved names are
                // refused as they are read, so PowerShell's per-member checks (type-table lookups) are skipped;
                // they were most of the cost of an answer piped on (build.ps1 -Task Bench). A repeated name still
                // replaces the earlier value (last wins, as ConvertFrom-Json).
                properties.Add(new PSNoteProperty(Name, value), true);
            }

            public object Close() => pso ?? (object)items.ToArray();
        }
    }
}
