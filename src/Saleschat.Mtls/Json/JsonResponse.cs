using System.Collections.Generic;
using System.Management.Automation;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Saleschat.Mtls.Json
{
    /// <summary>JSON answers as PowerShell objects: objects become PSCustomObjects, arrays object[].</summary>
    public static class JsonResponse
    {
        private static readonly JsonSerializerSettings Settings = new JsonSerializerSettings
        {
            // Keep dates as the text the API sent: no time-zone conversion behind the user's back.
            DateParseHandling = DateParseHandling.None,
            MaxDepth = 512,
        };

        public static object Parse(string json)
        {
            JToken token = JsonConvert.DeserializeObject<JToken>(json, Settings);
            return ToPowerShell(token);
        }

        public static object ToPowerShell(JToken token)
        {
            switch (token)
            {
                case null:
                    return null;
                case JObject obj:
                    var pso = new PSObject();
                    foreach (KeyValuePair<string, JToken> property in obj)
                    {
                        pso.Properties.Add(new PSNoteProperty(property.Key, ToPowerShell(property.Value)));
                    }

                    return pso;
                case JArray array:
                    var items = new object[array.Count];
                    for (int i = 0; i < array.Count; i++)
                    {
                        items[i] = ToPowerShell(array[i]);
                    }

                    return items;
                case JValue value:
                    return value.Value;
                default:
                    return token.ToString();
            }
        }
    }
}
