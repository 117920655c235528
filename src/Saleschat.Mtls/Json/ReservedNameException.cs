using System;
using Newtonsoft.Json;

namespace Saleschat.Mtls.Json
{
    /// <summary>
    /// A JSON object has a property PowerShell reserves for every object (PSObject, PSBase, PSAdapted, PSExtended,
    /// PSTypeNames, in any case). As a note property it would take the place of PowerShell's own member and silently
    /// break the object ($o.psobject.Properties would list nothing), so such an answer is handed over as text instead.
    /// </summary>
    public sealed class ReservedNameException : JsonException
    {
        private static readonly string[] Reserved = { "PSObject", "PSBase", "PSAdapted", "PSExtended", "PSTypeNames" };

        public ReservedNameException(string name)
            : base($"The JSON has a property named '{name}', which PowerShell reserves.")
        {
            Name = name;
        }

        /// <summary>The reserved name, as the answer spelled it.</summary>
        public string Name { get; }

        public static void ThrowIfReserved(string name)
        {
            foreach (string reserved in Reserved)
            {
                if (string.Equals(name, reserved, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ReservedNameException(name);
                }
            }
        }
    }
}
