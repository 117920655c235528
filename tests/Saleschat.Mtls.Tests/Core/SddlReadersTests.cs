using Saleschat.Mtls.Files;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class SddlReadersTests
{
    // What WindowsFilePlatform asks about: FILE_READ_DATA, GENERIC_READ, GENERIC_ALL.
    private const uint ReadMask = 0x1 | 0x80000000 | 0x10000000;
    private const string Owner = "S-1-5-21-1111111111-2222222222-3333333333-1001";

    private static List<string> Readers(string dacl) => SddlReaders.OthersWhoCanRead($"O:{Owner}G:{Owner}D:P{dacl}", ReadMask);

    [Fact]
    public void An_owner_only_descriptor_has_no_other_readers()
    {
        Assert.Empty(Readers($"(A;;FA;;;{Owner})"));
        Assert.Empty(Readers($"(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;{Owner})(A;;FA;;;OW)"));
    }

    [Theory]
    [InlineData("(A;;FR;;;BU)", "BU")]
    [InlineData("(A;;0x1200a9;;;WD)", "WD")]
    [InlineData("(A;;CC;;;AU)", "AU")]            // CC is bit 0x1, FILE_READ_DATA on a file
    [InlineData("(A;ID;FA;;;S-1-5-21-9-9-9-500)", "S-1-5-21-9-9-9-500")]
    [InlineData("(A;;GR;;;BU)", "BU")]
    [InlineData("(A;;GA;;;IU)", "IU")]
    public void A_grant_of_read_to_someone_else_is_found(string ace, string trustee)
    {
        Assert.Equal(new[] { trustee }, Readers($"(A;;FA;;;{Owner}){ace}"));
    }

    [Theory]
    [InlineData("(D;;FA;;;WD)")]                  // deny entries take access away
    [InlineData("(A;;FW;;;BU)")]                  // write without read
    [InlineData("(A;;0x100000;;;WD)")]            // SYNCHRONIZE only
    public void Entries_that_grant_no_read_are_ignored(string ace)
    {
        Assert.Empty(Readers($"(A;;FA;;;{Owner}){ace}"));
    }

    [Fact]
    public void Each_reader_is_listed_once_and_the_SACL_is_not_read_as_the_DACL()
    {
        string sddl = $"O:{Owner}D:(A;;FR;;;BU)(A;;0x1;;;BU)(A;;FR;;;WD)S:(AU;SA;FA;;;WD)";
        Assert.Equal(new[] { "BU", "WD" }, SddlReaders.OthersWhoCanRead(sddl, ReadMask));
    }

    [Fact]
    public void Masks_from_tokens_and_hex()
    {
        Assert.Equal(0x120089u, SddlReaders.MaskOf("FR"));
        Assert.Equal(0x1200a9u, SddlReaders.MaskOf("0x1200a9"));
        Assert.Equal(0x1u | 0x2u | 0x4u, SddlReaders.MaskOf("CCDCLC"));
    }

    // Null and missing DACLs grant everyone full access ("Null DACLs and Empty DACLs", Microsoft Learn).
    [Theory]
    [InlineData("O:{0}G:{0}D:NO_ACCESS_CONTROL", SddlReaders.EveryoneNullDacl)]
    [InlineData("O:{0}G:{0}D:NO_ACCESS_CONTROLS:(AU;SA;FA;;;WD)", SddlReaders.EveryoneNullDacl)]
    [InlineData("O:{0}G:{0}", SddlReaders.EveryoneNoDacl)]
    [InlineData("O:{0}", SddlReaders.EveryoneNoDacl)]
    [InlineData("", SddlReaders.EveryoneNoDacl)]
    public void A_null_or_missing_DACL_is_readable_by_everyone(string format, string expected)
    {
        Assert.Equal(new[] { expected }, SddlReaders.OthersWhoCanRead(string.Format(format, Owner), ReadMask));
    }

    [Theory]
    [InlineData("O:{0}G:{0}D:P")]           // empty protected DACL: nobody at all
    [InlineData("O:{0}G:{0}D:PAI")]
    [InlineData("O:{0}D:")]
    public void An_empty_DACL_grants_nobody(string format)
    {
        Assert.Empty(SddlReaders.OthersWhoCanRead(string.Format(format, Owner), ReadMask));
    }

    [Fact]
    public void A_group_ending_in_D_is_not_taken_for_the_DACL()
    {
        // "G:DD" (Domain Controllers) then "D:": the DACL marker is the one after the group, not inside it.
        Assert.Equal(new[] { "BU" }, SddlReaders.OthersWhoCanRead($"O:{Owner}G:DDD:P(A;;FA;;;{Owner})(A;;FR;;;BU)", ReadMask));
    }

    [Theory]
    [InlineData("(XA;;FR;;;WD;(Member_of {SID(BA)}))", "WD")]                 // conditional allow: may grant, so it counts
    [InlineData("(XA;;0x1;;;AU;(@User.Department == \"Sales\"))", "AU")]
    [InlineData("(ZA;;FR;;;BU;(Member_of {SID(BA)}))", "BU")]
    public void A_conditional_allow_entry_counts_as_a_grant(string ace, string trustee)
    {
        Assert.Equal(new[] { trustee }, Readers($"(A;;FA;;;{Owner}){ace}"));
    }

    [Fact]
    public void Entries_after_a_conditional_entry_are_still_read()
    {
        Assert.Equal(new[] { "IU" }, Readers($"(XD;;FA;;;WD;(Member_of {{SID(BA)}}))(A;;FA;;;{Owner})(A;;GR;;;IU)"));
    }

    [Fact]
    public void An_inherit_only_entry_does_not_apply_to_the_file_itself()
    {
        Assert.Empty(Readers($"(A;;FA;;;{Owner})(A;OICIIO;FR;;;BU)"));
    }

    [Fact]
    public void The_current_user_is_not_someone_else_even_when_not_the_owner()
    {
        // An elevated administrator's new file is owned by Administrators; the user's own grant is theirs.
        const string user = "S-1-5-21-1111111111-2222222222-3333333333-1002";
        string sddl = $"O:BAG:SYD:P(A;;FA;;;{user})";
        Assert.Equal(new[] { user }, SddlReaders.OthersWhoCanRead(sddl, ReadMask));
        Assert.Empty(SddlReaders.OthersWhoCanRead(sddl, ReadMask, user));
        Assert.Equal(new[] { user }, SddlReaders.OthersWhoCanRead(sddl, ReadMask, "S-1-5-21-1-2-3-4"));
    }

    [Fact]
    public void Another_user_owning_the_file_does_not_hide_a_third_readers_grant()
    {
        const string user = "S-1-5-21-1111111111-2222222222-3333333333-1002";
        Assert.Equal(new[] { "BU" }, SddlReaders.OthersWhoCanRead($"O:{Owner}D:P(A;;FA;;;{user})(A;;FR;;;BU)", ReadMask, user));
    }

    [Fact]
    public void The_owner_given_as_an_alias_is_compared_as_a_SID()
    {
        // An elevated administrator on a server: owner BA, the user's own grant numeric; BU still someone else.
        Assert.True(SddlReaders.IsOwnedBy($"O:BAD:P(A;;FA;;;{Owner})", Owner));
        Assert.True(SddlReaders.IsOwnedBy($"O:S-1-5-32-544D:P(A;;FA;;;{Owner})", Owner));
        Assert.False(SddlReaders.IsOwnedBy($"O:BUD:P(A;;FA;;;{Owner})", Owner));
        Assert.Empty(SddlReaders.OthersWhoCanRead("O:NSD:P(A;;FA;;;NS)", ReadMask, "S-1-5-20"));
    }

    [Fact]
    public void The_owner_and_who_else_may_write()
    {
        // The mask WindowsFilePlatform uses for "others can write": FILE_WRITE_DATA, FILE_APPEND_DATA, DELETE, WRITE_DAC, WRITE_OWNER, GENERIC_WRITE, GENERIC_ALL.
        const uint writeMask = 0x2 | 0x4 | 0x10000 | 0x40000 | 0x80000 | 0x40000000 | 0x10000000;
        string sddl = $"O:{Owner}G:SYD:P(A;;FA;;;{Owner})(A;;FA;;;SY)(A;;FR;;;BU)(A;;0x4;;;AU)";
        Assert.Equal(Owner, SddlReaders.OwnerOf(sddl));
        Assert.Equal(new[] { "AU" }, SddlReaders.OthersWhoCanRead(sddl, writeMask));
        Assert.True(SddlReaders.IsAlwaysTrusted("BA"));
        Assert.False(SddlReaders.IsAlwaysTrusted("BU"));
    }
}
