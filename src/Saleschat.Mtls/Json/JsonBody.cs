using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Json
{
    /// <summary>
    /// PowerShell objects (hashtables, PSCustomObjects, arrays, any .NET object) as JSON, to any depth:
    /// unlike ConvertTo-Json there is no silent truncation at depth 2. Only a reference cycle stops it.
    /// </summary>
    public static class JsonBody
    {
        private const int MaximumDepth = 256;

        public static string Serialize(object value)
        {
            // Written straight to text: no intermediate JToken tree for a body sent once.
            using (var text = new StringWriter(CultureInfo.InvariantCulture))
            using (var writer = new JsonTextWriter(text) { Formatting = Formatting.None, ArrayPool = JsonCharPool.Instance })
            {
                Write(writer, value, 0);
                writer.Flush();
                return text.ToString();
            }
        }

        private static void Write(JsonWriter writer, object value, int depth)
        {
            if (depth > MaximumDepth)
            {
                throw new SaleschatException(ErrorIds.BodyTooDeep, ErrorKind.InvalidArgument,
                    $"The body nests deeper than {MaximumDepth} levels; it probably refers to itself.", null);
            }

            if (value is PSObject pso)
            {
                if (pso.BaseObject is PSCustomObject)
                {
                    WriteProperties(writer, pso, depth);
                    return;
                }

                value = pso.BaseObject;
            }

            switch (value)
            {
                case null:
                    writer.WriteNull();
                    return;
                case string s:
                    writer.WriteValue(s);
                    return;
                case char c:
                    writer.WriteValue(c.ToString());
                    return;
                case bool _:
                case byte _:
                case sbyte _:
                case short _:
                case ushort _:
                case int _:
                case uint _:
                case long _:
                case ulong _:
                case float _:
                case double _:
                case decimal _:
                    writer.WriteValue(value);
                    return;
                case DateTime dt:
                    writer.WriteValue(dt.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case DateTimeOffset dto:
                    writer.WriteValue(dto.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case Guid g:
                    writer.WriteValue(g.ToString());
                    return;
                case Uri u:
                    writer.WriteValue(u.OriginalString);
                    return;
                case Enum e:
                    writer.WriteValue(e.ToString());
                    return;
                case JToken token:
                    token.WriteTo(writer);
                    return;
                case IDictionary dictionary:
                    writer.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture));
                        Write(writer, entry.Value, depth + 1);
                    }

                    writer.WriteEndObject();
                    return;
                case IEnumerable items:
                    writer.WriteStartArray();
                    foreach (object item in items)
                    {
                        Write(writer, item, depth + 1);
                    }

                    writer.WriteEndArray();
                    return;
                default:
                    WriteProperties(writer, PSObject.AsPSObject(value), depth);
                    return;
            }
        }

        private static void WriteProperties(JsonWriter writer, PSObject pso, int depth)
        {
            writer.WriteStartObject();
            foreach (PSPropertyInfo property in pso.Properties)
            {
                if (property.IsGettable && (property.MemberType & (PSMemberTypes.NoteProperty | PSMemberTypes.Property)) != 0)
                {
                    object propertyValue;
                    try
                    {
                        propertyValue = property.Value;
                    }
                    catch (GetValueException)
                    {
                        continue;
                    }

                    writer.WritePropertyName(property.Name);
                    Write(writer, propertyValue, depth + 1);
                }
            }

            writer.WriteEndObject();
        }
    }
}
