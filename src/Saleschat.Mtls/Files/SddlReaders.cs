using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// Reads an SDDL string (Windows security descriptor text) and lists the trustees other than the
    /// owner, the current user, SYSTEM and Administrators whose allow entries grant read access. Plain text
    /// parsing, so it is unit-tested on any platform.
    /// </summary>
    /// <remarks>
    /// SDDL grammar: "Security Descriptor String Format" and "ACE Strings" (Microsoft Learn, Win32 security).
    /// A DACL written as "D:NO_ACCESS_CONTROL" is a NULL DACL, and a descriptor with no "D:" at all has no DACL:
    /// both grant everyone full access ("Null DACLs and Empty DACLs"), so both are reported as readable by
    /// Everyone. An empty "D:P" DACL grants nobody anything.
    /// </remarks>
    public static class SddlReaders
    {
        public const string EveryoneNullDacl = "Everyone (NULL DACL: no access control)";
        public const string EveryoneNoDacl = "Everyone (no DACL)";

        private static readonly Regex Owner = new Regex(@"O:(?<sid>[A-Z]{2}|S-[0-9-]+)", RegexOptions.Compiled);

        // Section markers stand at the start or right after the previous section's last character.
        private static readonly Regex DaclSection = new Regex(@"(^|(?<=[A-Z0-9)]))D:(?<flags>(NO_ACCESS_CONTROL|PAI|PAR|AI|AR|P|AI)*)", RegexOptions.Compiled);

        // Access-allowed ACE types, including the conditional (callback) and object forms: a conditional ACE may
        // grant access, so it counts (ACE Strings: A, OA, XA, ZA).
        private static readonly HashSet<string> AllowTypes = new HashSet<string>(StringComparer.Ordinal) { "A", "OA", "XA", "ZA" };

        // SDDL rights tokens (two letters each) and their access-mask bits.
        private static readonly Dictionary<string, uint> Rights = new Dictionary<string, uint>
        {
            ["GA"] = 0x10000000, ["GR"] = 0x80000000, ["GW"] = 0x40000000, ["GX"] = 0x20000000,
            ["FA"] = 0x1F01FF, ["FR"] = 0x120089, ["FW"] = 0x120116, ["FX"] = 0x1200A0,
            ["RC"] = 0x20000, ["SD"] = 0x10000, ["WD"] = 0x40000, ["WO"] = 0x80000,
            ["CC"] = 0x1, ["DC"] = 0x2, ["LC"] = 0x4, ["SW"] = 0x8, ["RP"] = 0x10, ["WP"] = 0x20,
            ["DT"] = 0x40, ["LO"] = 0x80, ["CR"] = 0x100,
        };

        /// <summary>The owner SID (or its two-letter alias such as BA), empty when the text names none.</summary>
        public static string OwnerOf(string sddl) => Owner.Match(sddl ?? string.Empty).Groups["sid"].Value;

        /// <summary>SYSTEM, Administrators and OWNER RIGHTS (by SID, alias or not): trustees that can take any file anyway.</summary>
        public static bool IsAlwaysTrusted(string sid, SddlSids sids = null) => (sids ?? SddlSids.FixedOnly).IsAlwaysTrusted(sid);

        /// <summary>
        /// Whether the descriptor's owner is the current user, or SYSTEM/Administrators (an elevated administrator's
        /// files are owned by Administrators on Windows Server, where the policy "System objects: Default owner for objects
        /// created by members of the Administrators group" defaults to Administrators: support.microsoft.com KB318825),
        /// compared as SIDs.
        /// </summary>
        public static bool IsOwnedBy(string sddl, string currentUserSid, SddlSids sids = null)
        {
            sids = sids ?? SddlSids.FixedOnly;
            string owner = OwnerOf(sddl);
            return sids.Same(owner, currentUserSid) || sids.IsAlwaysTrusted(owner);
        }

        /// <param name="sddl">The descriptor with owner and DACL (OWNER_ and DACL_SECURITY_INFORMATION).</param>
        /// <param name="readMask">The access bits that mean "can read".</param>
        /// <param name="currentUserSid">
        /// The caller's SID: it may differ from the owner (an elevated administrator's files are owned by
        /// Administrators; an SMB server may set its own owner), and its own grant is not "someone else".
        /// </param>
        /// <param name="sids">
        /// How trustees are compared: as SIDs, so "LA" in the DACL is the current user when that user is the built-in
        /// Administrator. Without it only the fixed aliases (SY, BA, NS, LS…) are resolved.
        /// </param>
        public static List<string> OthersWhoCanRead(string sddl, uint readMask, string currentUserSid = null, SddlSids sids = null)
        {
            sids = sids ?? SddlSids.FixedOnly;
            sddl = sddl ?? string.Empty;
            Match section = DaclSection.Match(sddl);
            if (!section.Success)
            {
                return new List<string> { EveryoneNoDacl };
            }

            if (section.Groups["flags"].Value.IndexOf("NO_ACCESS_CONTROL", StringComparison.Ordinal) >= 0)
            {
                return new List<string> { EveryoneNullDacl };
            }

            string owner = Owner.Match(sddl).Groups["sid"].Value;
            var readers = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string ace in AcesOf(sddl, section.Index + section.Length))
            {
                // type;flags;rights;object guid;inherit object guid;sid[;(condition) or resource attribute]
                string[] fields = ace.Split(new[] { ';' }, 7);
                if (fields.Length < 6)
                {
                    continue;
                }

                string sid = fields[5];
                bool appliesToThisFile = fields[1].IndexOf("IO", StringComparison.Ordinal) < 0; // inherit-only: not this object
                if (AllowTypes.Contains(fields[0]) && appliesToThisFile && (MaskOf(fields[2]) & readMask) != 0
                    && !sids.IsAlwaysTrusted(sid) && !sids.GrantsNobody(sid)
                    && !sids.Same(sid, owner) && !sids.Same(sid, currentUserSid)
                    && seen.Add(sids.Resolve(sid)))
                {
                    readers.Add(sid);
                }
            }

            return readers;
        }

        /// <summary>The DACL's ACE strings, read with balanced parentheses (a conditional ACE nests its own).</summary>
        private static IEnumerable<string> AcesOf(string sddl, int start)
        {
            int i = start;
            while (i < sddl.Length && sddl[i] == '(')
            {
                int depth = 0;
                int j = i;
                for (; j < sddl.Length; j++)
                {
                    if (sddl[j] == '(')
                    {
                        depth++;
                    }
                    else if (sddl[j] == ')' && --depth == 0)
                    {
                        break;
                    }
                }

                if (j >= sddl.Length)
                {
                    yield break; // unbalanced: what was read so far is all there is
                }

                yield return sddl.Substring(i + 1, j - i - 1);
                i = j + 1;
            }
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
