using Saleschat.Mtls.Files;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// Windows writes some trustees of a security descriptor string as aliases ("SID strings", learn.microsoft.com):
/// what ConvertSecurityDescriptorToStringSecurityDescriptorW returns for the files of the built-in Administrator, a
/// service running as NETWORK SERVICE or LOCAL SERVICE, LocalSystem, or an elevated administrator on a server.
/// The current user's SID is always numeric, so these must compare as SIDs.
/// </summary>
public sealed class SddlSidsTests
{
    private const uint ReadMask = 0x1 | 0x80000000 | 0x10000000;
    private const uint WriteMask = 0x2 | 0x4 | 0x10000 | 0x40000 | 0x80000 | 0x40000000 | 0x10000000;
    private const string Machine = "S-1-5-21-1111111111-2222222222-3333333333";
    private const string Domain = "S-1-5-21-4444444444-5555555555-6666666666";
    private const string BuiltInAdministrator = Machine + "-500";

    private static readonly SddlSids Sids = new(SddlSids.DomainRelative(Machine, Domain));

    public static TheoryData<string, string> Aliases => new()
    {
        { "WD", "S-1-1-0" }, { "CO", "S-1-3-0" }, { "CG", "S-1-3-1" }, { "OW", "S-1-3-4" },
        { "NU", "S-1-5-2" }, { "IU", "S-1-5-4" }, { "SU", "S-1-5-6" }, { "AN", "S-1-5-7" }, { "ED", "S-1-5-9" },
        { "PS", "S-1-5-10" }, { "AU", "S-1-5-11" }, { "RC", "S-1-5-12" }, { "SY", "S-1-5-18" }, { "LS", "S-1-5-19" },
        { "NS", "S-1-5-20" }, { "WR", "S-1-5-33" }, { "BA", "S-1-5-32-544" }, { "BU", "S-1-5-32-545" },
        { "BG", "S-1-5-32-546" }, { "PU", "S-1-5-32-547" }, { "AO", "S-1-5-32-548" }, { "SO", "S-1-5-32-549" },
        { "PO", "S-1-5-32-550" }, { "BO", "S-1-5-32-551" }, { "RE", "S-1-5-32-552" }, { "RU", "S-1-5-32-554" },
        { "RD", "S-1-5-32-555" }, { "NO", "S-1-5-32-556" }, { "AC", "S-1-15-2-1" },
        { "LA", BuiltInAdministrator }, { "LG", Machine + "-501" },
        { "DA", Domain + "-512" }, { "DU", Domain + "-513" }, { "DG", Domain + "-514" }, { "DC", Domain + "-515" },
        { "DD", Domain + "-516" }, { "CA", Domain + "-517" },
    };

    [Theory]
    [MemberData(nameof(Aliases))]
    public void Every_alias_is_its_SID(string alias, string sid)
    {
        Assert.Equal(sid, Sids.Resolve(alias));
        Assert.True(Sids.Same(alias, sid));
        Assert.True(Sids.Same(sid.ToLowerInvariant(), alias.ToLowerInvariant()));
        Assert.False(Sids.Same(alias, "S-1-5-21-9-9-9-1001"));
    }

    [Theory]
    [MemberData(nameof(Aliases))]
    public void A_DACL_entry_for_the_current_user_written_as_an_alias_is_not_someone_else(string alias, string sid)
    {
        // What CreateNew writes ("D:P(A;;FA;;;<user>)") as Windows reads it back for that user, owned by Administrators.
        string sddl = $"O:BAG:SYD:P(A;;FA;;;{alias})";
        Assert.Empty(SddlReaders.OthersWhoCanRead(sddl, ReadMask, sid, Sids));
        Assert.True(SddlReaders.IsOwnedBy(sddl, sid, Sids));
    }

    [Theory]
    [InlineData("LA", BuiltInAdministrator)]   // the built-in Administrator: Azure VMs, hosted Windows CI runners
    [InlineData("NS", "S-1-5-20")]             // a service or scheduled task as NETWORK SERVICE
    [InlineData("LS", "S-1-5-19")]             // LOCAL SERVICE
    [InlineData("SY", "S-1-5-18")]             // LocalSystem
    public void A_new_key_of_an_account_Windows_writes_as_an_alias_is_owner_only(string alias, string me)
    {
        // The owner as an elevated administrator's default (BA, KB318825) or the account itself.
        foreach (string owner in new[] { "BA", alias })
        {
            string sddl = $"O:{owner}D:P(A;;FA;;;{alias})";
            Assert.Empty(SddlReaders.OthersWhoCanRead(sddl, ReadMask, me, Sids));
            Assert.Empty(SddlReaders.OthersWhoCanRead(sddl, WriteMask, me, Sids));
            Assert.True(SddlReaders.IsOwnedBy(sddl, me, Sids), owner);
        }
    }

    [Fact]
    public void Another_account_written_as_an_alias_is_still_someone_else()
    {
        // NETWORK SERVICE's grant on the built-in Administrator's key: another account, named as written.
        string sddl = $"O:LAD:P(A;;FA;;;LA)(A;;FR;;;NS)(A;;FR;;;{Machine}-1001)";
        Assert.Equal(new[] { "NS", Machine + "-1001" }, SddlReaders.OthersWhoCanRead(sddl, ReadMask, BuiltInAdministrator, Sids));
        Assert.False(SddlReaders.IsOwnedBy(sddl, "S-1-5-20", Sids));
        Assert.True(SddlReaders.IsOwnedBy(sddl, BuiltInAdministrator, Sids));
    }

    [Fact]
    public void The_same_SID_written_both_ways_is_listed_once()
    {
        Assert.Equal(new[] { "BU" }, SddlReaders.OthersWhoCanRead("O:SYD:P(A;;FR;;;BU)(A;;FR;;;S-1-5-32-545)", ReadMask, "S-1-5-21-1-2-3-1001", Sids));
    }

    [Fact]
    public void Administrators_and_SYSTEM_are_trusted_however_written()
    {
        foreach (string trusted in new[] { "BA", "S-1-5-32-544", "SY", "s-1-5-18", "OW", "S-1-3-4" })
        {
            Assert.True(Sids.IsAlwaysTrusted(trusted), trusted);
        }

        Assert.False(Sids.IsAlwaysTrusted("BU"));
        Assert.False(Sids.IsAlwaysTrusted("LA")); // the built-in Administrator is an account, not the group
    }

    [Fact]
    public void A_CREATOR_OWNER_entry_on_the_file_itself_grants_nobody()
    {
        Assert.Empty(SddlReaders.OthersWhoCanRead("O:SYD:P(A;;FA;;;CO)(A;;FA;;;S-1-3-1)", ReadMask, "S-1-5-21-1-2-3-1001", Sids));
    }

    [Fact]
    public void An_alias_nobody_can_resolve_is_never_the_current_user()
    {
        // Without a lookup (no Windows to ask), LA stays LA: still reported, never silently trusted.
        Assert.Equal("LA", SddlSids.FixedOnly.Resolve("LA"));
        Assert.Equal(new[] { "LA" }, SddlReaders.OthersWhoCanRead("O:SYD:P(A;;FR;;;LA)", ReadMask, BuiltInAdministrator));
        Assert.False(SddlSids.FixedOnly.Same("XX", "xx-unknown"));
        Assert.Equal("ZZ", new SddlSids(_ => null).Resolve("zz"));
    }

    [Fact]
    public void The_platform_lookup_is_asked_once_per_alias()
    {
        int asked = 0;
        var sids = new SddlSids(alias => { asked++; return alias == "LA" ? BuiltInAdministrator : null; });
        for (int i = 0; i < 3; i++)
        {
            Assert.True(sids.Same("LA", BuiltInAdministrator));
        }

        Assert.True(sids.Same("NS", "S-1-5-20")); // fixed aliases never reach the lookup
        Assert.Equal(1, asked);
    }
}
