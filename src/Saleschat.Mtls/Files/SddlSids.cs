using System;
using System.Collections.Generic;
using System.Globalization;

namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// Compares SDDL trustees as SIDs, never as text. Windows writes some SIDs in a security descriptor string as
    /// two-letter aliases: the built-in Administrator (RID 500) comes back as "LA", NETWORK SERVICE as "NS", LOCAL
    /// SERVICE as "LS", LocalSystem as "SY" ("SID strings", learn.microsoft.com/windows/win32/secauthz/sid-strings),
    /// while the current user's SID is read as numbers (ConvertSidToStringSidW). Compared as text, a key the built-in
    /// Administrator just wrote read as "readable by LA". Plain text, so it is unit-tested on any platform.
    /// </summary>
    /// <remarks>
    /// Two kinds of alias:
    /// - Fixed SIDs, the same on every machine (mapped here from "SID strings" and "Well-known SIDs",
    ///   learn.microsoft.com/windows/win32/secauthz/well-known-sids).
    /// - Domain-relative ones, the machine's or the domain's SID plus a RID: LA and LG (the local Administrator and
    ///   Guest accounts, RIDs 500 and 501 of the machine's account domain) and the domain groups (DA, DU, DG, …).
    ///   Their SID differs per machine, so they are left to <c>lookup</c>: on Windows ConvertStringSidToSidW, which
    ///   accepts every alias and resolves it the way the descriptor's writer did ("ConvertStringSidToSidW",
    ///   learn.microsoft.com); in tests, <see cref="DomainRelative"/>.
    /// An alias nobody can resolve is compared as text, which can never wrongly match a numeric SID.
    /// </remarks>
    public sealed class SddlSids
    {
        /// <summary>Aliases whose SID is the same everywhere ("SID strings"; "Well-known SIDs").</summary>
        private static readonly Dictionary<string, string> Fixed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["WD"] = "S-1-1-0",       // Everyone
            ["CO"] = "S-1-3-0",       // CREATOR OWNER (a placeholder replaced at inheritance)
            ["CG"] = "S-1-3-1",       // CREATOR GROUP (same)
            ["OW"] = "S-1-3-4",       // OWNER RIGHTS
            ["NU"] = "S-1-5-2",       // NETWORK logon
            ["IU"] = "S-1-5-4",       // INTERACTIVE
            ["SU"] = "S-1-5-6",       // SERVICE logon
            ["AN"] = "S-1-5-7",       // ANONYMOUS LOGON
            ["ED"] = "S-1-5-9",       // Enterprise domain controllers
            ["PS"] = "S-1-5-10",      // PRINCIPAL SELF
            ["AU"] = "S-1-5-11",      // Authenticated Users
            ["RC"] = "S-1-5-12",      // RESTRICTED
            ["SY"] = "S-1-5-18",      // LocalSystem
            ["LS"] = "S-1-5-19",      // LOCAL SERVICE
            ["NS"] = "S-1-5-20",      // NETWORK SERVICE
            ["WR"] = "S-1-5-33",      // WRITE RESTRICTED
            ["BA"] = "S-1-5-32-544",  // BUILTIN\Administrators
            ["BU"] = "S-1-5-32-545",  // BUILTIN\Users
            ["BG"] = "S-1-5-32-546",  // BUILTIN\Guests
            ["PU"] = "S-1-5-32-547",  // Power Users
            ["AO"] = "S-1-5-32-548",  // Account Operators
            ["SO"] = "S-1-5-32-549",  // Server Operators
            ["PO"] = "S-1-5-32-550",  // Print Operators
            ["BO"] = "S-1-5-32-551",  // Backup Operators
            ["RE"] = "S-1-5-32-552",  // Replicator
            ["RU"] = "S-1-5-32-554",  // Pre-Windows 2000 compatible access
            ["RD"] = "S-1-5-32-555",  // Remote Desktop Users
            ["NO"] = "S-1-5-32-556",  // Network Configuration Operators
            ["AC"] = "S-1-15-2-1",    // ALL APPLICATION PACKAGES
        };

        /// <summary>
        /// Domain-relative aliases and their RIDs ("SID strings": LA is DOMAIN_USER_RID_ADMIN, LG DOMAIN_USER_RID_GUEST
        /// of the local machine; the others are groups of the machine's domain). Used by <see cref="DomainRelative"/>.
        /// </summary>
        private static readonly Dictionary<string, int> MachineRelative = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
        {
            ["LA"] = 500, ["LG"] = 501,
        };

        private static readonly Dictionary<string, int> DomainRelativeRids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
        {
            ["DA"] = 512, ["DU"] = 513, ["DG"] = 514, ["DC"] = 515, ["DD"] = 516, ["CA"] = 517,
        };

        /// <summary>Trustees that can take or replace any file anyway: LocalSystem, Administrators, OWNER RIGHTS.</summary>
        private static readonly string[] AlwaysTrustedSids = { "S-1-5-18", "S-1-5-32-544", "S-1-3-4" };

        /// <summary>
        /// CREATOR OWNER and CREATOR GROUP are in no access token: an entry for them on the file itself grants nobody
        /// ("Well-known SIDs": they are replaced by the creator's SIDs when an inheritable entry is inherited).
        /// </summary>
        private static readonly string[] PlaceholderSids = { "S-1-3-0", "S-1-3-1" };

        private readonly Func<string, string> _lookup;
        private readonly Dictionary<string, string> _resolved = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <param name="lookup">
        /// Resolves an alias this class does not know (LA, DA…) to its numeric SID, or returns null. On Windows it asks the
        /// OS; elsewhere (tests) <see cref="DomainRelative"/>.
        /// </param>
        public SddlSids(Func<string, string> lookup = null)
        {
            _lookup = lookup;
        }

        /// <summary>Only the fixed aliases: what a caller with no way to ask Windows can compare.</summary>
        public static SddlSids FixedOnly { get; } = new SddlSids();

        /// <summary>
        /// A lookup for the domain-relative aliases given the machine's account-domain SID (LA, LG) and the joined
        /// domain's SID (DA, DU, DG, DC, DD, CA), e.g. "S-1-5-21-1-2-3"; either may be null.
        /// </summary>
        public static Func<string, string> DomainRelative(string machineSid, string domainSid) => alias =>
        {
            if (machineSid != null && MachineRelative.TryGetValue(alias, out int rid))
            {
                return machineSid + "-" + rid.ToString(CultureInfo.InvariantCulture);
            }

            return domainSid != null && DomainRelativeRids.TryGetValue(alias, out int domainRid)
                ? domainSid + "-" + domainRid.ToString(CultureInfo.InvariantCulture)
                : null;
        };

        /// <summary>
        /// The numeric form of an SDDL trustee ("S-1-5-20" for "NS"); the text itself, upper-cased, when it cannot be
        /// resolved (an unknown alias stays an alias: it can never equal a numeric SID by accident).
        /// </summary>
        public string Resolve(string trustee)
        {
            if (string.IsNullOrEmpty(trustee))
            {
                return string.Empty;
            }

            if (trustee.StartsWith("S-", StringComparison.OrdinalIgnoreCase))
            {
                return trustee.ToUpperInvariant();
            }

            if (Fixed.TryGetValue(trustee, out string sid))
            {
                return sid;
            }

            lock (_resolved)
            {
                if (!_resolved.TryGetValue(trustee, out sid))
                {
                    sid = _lookup?.Invoke(trustee);
                    sid = string.IsNullOrEmpty(sid) ? trustee.ToUpperInvariant() : sid.ToUpperInvariant();
                    _resolved[trustee] = sid;
                }
            }

            return sid;
        }

        /// <summary>True when both trustees (aliases or numeric SIDs) name the same SID.</summary>
        public bool Same(string a, string b) =>
            !string.IsNullOrEmpty(a) && !string.IsNullOrEmpty(b) && string.Equals(Resolve(a), Resolve(b), StringComparison.Ordinal);

        /// <summary>LocalSystem, Administrators and OWNER RIGHTS, by SID: trustees that can take any file anyway.</summary>
        public bool IsAlwaysTrusted(string trustee) => Array.IndexOf(AlwaysTrustedSids, Resolve(trustee)) >= 0;

        /// <summary>CREATOR OWNER / CREATOR GROUP: an entry for them on the object itself grants nobody.</summary>
        public bool GrantsNobody(string trustee) => Array.IndexOf(PlaceholderSids, Resolve(trustee)) >= 0;
    }
}
