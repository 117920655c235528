using Saleschat.Mtls.Files;
using Saleschat.Mtls.Rotation;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class FileModesTests
{
    [Theory]
    [InlineData(false, null, "644")]
    [InlineData(true, null, "600")]
    [InlineData(false, "600", "600")]
    [InlineData(false, "640", "640")]
    [InlineData(false, "4755", "755")]   // never carry setuid over
    [InlineData(false, "666", "644")]    // a public file never keeps group or other write
    [InlineData(false, "777", "755")]
    [InlineData(false, "664", "644")]
    [InlineData(true, "644", "600")]     // a key never stays readable by others
    [InlineData(true, "400", "400")]     // a read-only key stays read-only
    [InlineData(true, "700", "700")]
    [InlineData(true, "200", "600")]     // a key its owner cannot read is made readable again
    [InlineData(true, "000", "600")]
    public void The_mode_a_written_file_gets(bool ownerOnly, string? existing, string expected)
    {
        int? existingMode = existing == null ? null : Convert.ToInt32(existing, 8);
        Assert.Equal(Convert.ToInt32(expected, 8), FileModes.For(ownerOnly, existingMode));
    }

    [Theory]
    [InlineData(FileKind.Regular, true, false, false, null)]
    [InlineData(FileKind.Regular, false, false, false, "another user")]
    [InlineData(FileKind.Regular, null, false, false, "owner cannot be read")]
    [InlineData(FileKind.Regular, true, true, false, "can read")]
    [InlineData(FileKind.Regular, true, false, true, "can write")]
    [InlineData(FileKind.Regular, true, null, false, "cannot be read")]
    [InlineData(FileKind.Fifo, true, false, false, "FIFO")]
    public void Which_rotation_files_are_vouched_for(FileKind kind, bool? owned, bool? readable, bool? writable, string? why)
    {
        var facts = new FileFacts(kind, 10, owned, readable, writable, null, null, "detail");
        string? reason = RotationFileTrust.Why(facts);
        if (why == null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.Contains(why, reason);
        }
    }
}
