using System;
using System.Collections;
using System.Globalization;
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

        public static string Serialize(object value) => ToToken(value, 0).ToString(Formatting.None);

        private static JToken ToToken(object value, int depth)
        {
            if (depth > MaximumDepth)
            {
                throw new SaleschatException("BodyTooDeep", ErrorKind.InvalidArgument,
                    $"The body nests deeper than {MaximumDepth} levels; it probably refers to itself.", null);
            }

            if (value is PSObject pso)
            {
                if (pso.BaseObject is PSCustomObject)
                {
                    return FromProperties(pso, depth);
                }

                value = pso.BaseObject;
            }

            switch (value)
            {
                case null:
                    return JValue.CreateNull();
                case string s:
                    return new JValue(s);
                case char c:
                    return new JValue(c.ToString());
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
                    return new JValue(value);
                case DateTime dt:
                    return new JValue(dt.ToString("o", CultureInfo.InvariantCulture));
                case DateTimeOffset dto:
                    return new JValue(dto.ToString("o", CultureInfo.InvariantCulture));
                case Guid g:
                    return new JValue(g.ToString());
                case Uri u:
                    return new JValue(u.OriginalString);
                case Enum e:
                    return new JValue(e.ToString());
                case JToken token:
                    return token;
                case IDictionary dictionary:
                    var obj = new JObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        obj[Convert.ToString(entry.Key, CultureInfo.InvariantCulture)] = ToToken(entry.Value, depth + 1);
                    }

                    return obj;
                case IEnumerable items:
                    var array = new JArray();
                    foreach (object item in items)
                    {
                        array.Add(ToToken(item, depth + 1));
                    }

                    return array;
                default:
                    return FromProperties(PSObject.AsPSObject(value), depth);
            }
        }

        private static JObject FromProperties(PSObject pso, int depth)
        {
            var obj = new JObject();
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

                    obj[property.Name] = ToToken(propertyValue, depth + 1);
                }
            }

            return obj;
        }
    }
}
