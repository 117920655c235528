using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Newtonsoft.Json;

namespace Saleschat.Mtls.Json
{
    /// <summary>JSON answers as PowerShell objects: objects become PSCustomObjects, arrays object[].</summary>
    public static class JsonResponse
    {
        public static object Parse(string json) => Parse(new StringReader(json));

        /// <summary>Parses from a reader: a large answer is read from its bytes, never made into one string first.</summary>
        public static object Parse(TextReader text)
        {
            // Read straight into PowerShell objects: no intermediate JToken tree per answer.
            using (var reader = new JsonTextReader(text)
            {
                // One string per distinct property name, not one per property of every object: in a large array
                // of records the names would otherwise cost as much memory as the values.
                PropertyNameTable = new DefaultJsonNameTable(),
                // Keep dates as the text the API sent: no time-zone conversion behind the user's back.
                DateParseHandling = DateParseHandling.None,
                MaxDepth = 512,
            })
            {
                if (!reader.Read())
                {
                    return null;
                }

                object value = ReadValue(reader);
                if (reader.Read())
                {
                    throw new JsonReaderException("Unexpected content after the JSON value.");
                }

                return value;
            }
        }

        private static object ReadValue(JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonToken.StartObject:
                    var pso = new PSObject();
                    while (reader.Read() && reader.TokenType == JsonToken.PropertyName)
                    {
                        string name = (string)reader.Value;
                        reader.Read();
                        pso.Properties.Add(new PSNoteProperty(name, ReadValue(reader)));
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
