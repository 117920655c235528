using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// Reads an SDDL string (Windows security descriptor text) and lists the trustees other than the
    /// owner, SYSTEM and Administrators whose allow entries grant read access. Plain text parsing, so it
    /// is unit-tested on any platform.
    /// </summary>
    public static class SddlReaders
    {
        private static readonly Regex Owner = new Regex(@"O:(?<sid>[A-Z]{2}|S-[0-9-]+)", RegexOptions.Compiled);
        private static readonly Regex Ace = new Regex(@"\((?<type>[A-Z]+);[^;]*;(?<rights>[^;]*);[^;]*;[^;]*;(?<sid>[^;)]+)[^)]*\)", RegexOptions.Compiled);

        // SDDL rights tokens (two letters each) and their access-mask bits.
        private static readonly Dictionary<string, uint> Rights = new Dictionary<string, uint>
        {
            ["GA"] = 0x10000000, ["GR"] = 0x80000000, ["GW"] = 0x40000000, ["GX"] = 0x20000000,
            ["FA"] = 0x1F01FF, ["FR"] = 0x120089, ["FW"] = 0x120116, ["FX"] = 0x1200A0,
            ["RC"] = 0x20000, ["SD"] = 0x10000, ["WD"] = 0x40000, ["WO"] = 0x80000,
            ["CC"] = 0x1, ["DC"] = 0x2, ["LC"] = 0x4, ["SW"] = 0x8, ["RP"] = 0x10, ["WP"] = 0x20,
            ["DT"] = 0x40, ["LO"] = 0x80, ["CR"] = 0x100,
        };

        private static readonly HashSet<string> AlwaysTrusted = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "SY", "S-1-5-18", "BA", "S-1-5-32-544", "OW", "S-1-3-4",
        };

        /// <summary>The owner SID (or its two-letter alias such as BA), empty when the text names none.</summary>
        public static string OwnerOf(string sddl) => Owner.Match(sddl).Groups["sid"].Value;

        /// <summary>SYSTEM, Administrators and OWNER RIGHTS: trustees that can take any file anyway.</summary>
        public static bool IsAlwaysTrusted(string sid) => AlwaysTrusted.Contains(sid ?? string.Empty);

        /// <summary>The trustees other than the owner and the always-trusted ones whose allow entries grant any bit of the mask.</summary>
        public static List<string> OthersWhoCanRead(string sddl, uint readMask)
        {
            string owner = OwnerOf(sddl);
            int daclStart = sddl.IndexOf("D:", StringComparison.Ordinal);
            string dacl = daclStart < 0 ? string.Empty : sddl.Substring(daclStart);
            var readers = new List<string>();
            foreach (Match ace in Ace.Matches(dacl))
            {
                string sid = ace.Groups["sid"].Value;
                bool allows = ace.Groups["type"].Value == "A";
                if (allows && !AlwaysTrusted.Contains(sid) && !string.Equals(sid, owner, StringComparison.OrdinalIgnoreCase)
                    && (MaskOf(ace.Groups["rights"].Value) & readMask) != 0 && !readers.Contains(sid))
                {
                    readers.Add(sid);
                }
            }

            return readers;
        }

        public static uint MaskOf(string rights)
        {
            if (rights.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                return uint.Parse(rights.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }

            uint mask = 0;
            for (int i = 0; i + 1 < rights.Length; i += 2)
            {
                if (Rights.TryGetValue(rights.Substring(i, 2), out uint bits))
                {
                    mask |= bits;
                }
            }

            return mask;
        }
    }
}
