using System;
using Newtonsoft.Json;

namespace Saleschat.Mtls.Json
{
    /// <summary>
    /// A JSON object has a property no PSCustomObject can hold faithfully: an empty name (PowerShell refuses it), or a
    /// name PowerShell reserves for every object (PSObject, PSBase, PSAdapted, PSExtended, PSTypeNames, in any case),
    /// which as a note property would take the place of PowerShell's own member and silently break the object
    /// ($o.psobject.Properties would list nothing). Such an answer is handed over as text instead.
    /// </summary>
    public sealed class UnsupportedPropertyNameException : JsonException
    {
        private static readonly string[] Reserved = { "PSObject", "PSBase", "PSAdapted", "PSExtended", "PSTypeNames" };

        public UnsupportedPropertyNameException(string name)
            : base(name.Length == 0 ? "The JSON has a property with an empty name." : $"The JSON has a property named '{name}', which PowerShell reserves.")
        {
            Name = name;
        }

        /// <summary>The name, as the answer spelled it (empty for an empty name).</summary>
        public string Name { get; }

        public static void ThrowIfUnsupported(string name)
        {
            if (name.Length == 0)
            {
                throw new UnsupportedPropertyNameException(name);
            }

            // Called for every property of every answer: only a name starting with "ps" can be one of the reserved.
            if (name.Length < 6 || (name[0] != 'p' && name[0] != 'P'))
            {
                return;
            }

            foreach (string reserved in Reserved)
            {
                if (string.Equals(name, reserved, StringComparison.OrdinalIgnoreCase))
                {
                    throw new UnsupportedPropertyNameException(name);
                }
            }
        }
    }
}
