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
