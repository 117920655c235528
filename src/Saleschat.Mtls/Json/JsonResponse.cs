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
                if (!reader.Read())
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
                if (!reader.Read())
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
                if (!reader.Read())
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

                while (reader.Read() && reader.TokenType != JsonToken.EndArray)
                {
                    yield return ReadValue(reader);
                }

                RequireEnd(reader, JsonToken.EndArray);
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
            if (reader.Read())
            {
                throw new JsonReaderException("Unexpected content after the JSON value.");
            }
        }

        private static object ReadValue(JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonToken.StartObject:
                    var pso = new PSObject();
                    PSMemberInfoCollection<PSPropertyInfo> properties = pso.Properties;
                    while (reader.Read() && reader.TokenType == JsonToken.PropertyName)
                    {
                        string name = (string)reader.Value;
                        UnsupportedPropertyNameException.ThrowIfUnsupported(name);
                        reader.Read();

                        // preValidated: a new PSCustomObject has no members to clash with and the reserved names are
                        // refused above, so PowerShell's per-member checks (type-table lookups) are skipped; they were
                        // most of the cost of an answer piped on (build.ps1 -Task Bench). A repeated name still
                        // replaces the earlier value (last wins, as ConvertFrom-Json).
                        properties.Add(new PSNoteProperty(name, ReadValue(reader)), true);
                    }

                    RequireEnd(reader, JsonToken.EndObject);
                    return pso;
                case JsonToken.StartArray:
                    var items = new List<object>();
                    while (reader.Read() && reader.TokenType != JsonToken.EndArray)
                    {
                        items.Add(ReadValue(reader));
                    }

                    RequireEnd(reader, JsonToken.EndArray);
                    return items.ToArray();
                case JsonToken.Comment:
                    reader.Read();
                    return ReadValue(reader);
                case JsonToken.Boolean:
                    // Two shared boxes instead of one per value.
                    return (bool)reader.Value ? True : False;
                default:
                    return reader.Value;
            }
        }

        /// <summary>A truncated answer ("[1,2") is an error, never a silently shortened object.</summary>
        private static void RequireEnd(JsonReader reader, JsonToken end)
        {
            if (reader.TokenType != end)
            {
                throw new JsonReaderException($"The JSON ends before its {(end == JsonToken.EndArray ? "array" : "object")} is closed.");
            }
        }
    }
}
