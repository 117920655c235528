using System.Text;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class AtomicFileWriterTests
{
    private static readonly byte[] Content = Encoding.ASCII.GetBytes("new content\n");
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [UnixOnlyFact]
    public void Writes_a_new_owner_only_file_and_leaves_no_temporary_file()
    {
        using var dir = new TempFolder();
        string path = dir.File("a.key");
        new AtomicFileWriter().Write(path, Content, ownerOnly: true, overwrite: false, existsErrorId: ErrorIds.KeyFileExists);
        Assert.Equal(Content, File.ReadAllBytes(path));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal(new[] { "a.key" }, dir.Names());
    }

    [Fact]
    public void Refuses_an_existing_file_without_overwrite()
    {
        using var dir = new TempFolder();
        string path = dir.File("a.key");
        File.WriteAllText(path, "old");
        var ex = Assert.Throws<SaleschatException>(() => new AtomicFileWriter().Write(path, Content, true, overwrite: false, existsErrorId: ErrorIds.KeyFileExists));
        Assert.Equal(ErrorIds.KeyFileExists, ex.ErrorId);
        Assert.Equal(ErrorKind.ResourceExists, ex.Kind);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(new[] { "a.key" }, dir.Names());
    }

    [UnixOnlyFact]
    public void Overwrite_replaces_the_content_and_the_loose_mode()
    {
        using var dir = new TempFolder();
        string path = dir.File("a.key");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        new AtomicFileWriter().Write(path, Content, ownerOnly: true, overwrite: true, existsErrorId: ErrorIds.KeyFileExists);
        Assert.Equal(Content, File.ReadAllBytes(path));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal(new[] { "a.key" }, dir.Names());
    }

    [Fact]
    public void A_missing_folder_is_DirectoryNotFound()
    {
        using var dir = new TempFolder();
        var ex = Assert.Throws<SaleschatException>(() => new AtomicFileWriter().Write(Path.Combine(dir.Path, "no", "a.key"), Content, true, false, ErrorIds.KeyFileExists));
        Assert.Equal(ErrorIds.DirectoryNotFound, ex.ErrorId);
        Assert.Empty(dir.Names());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_failure_while_writing_leaves_no_temporary_file_and_the_old_file_intact(bool existing)
    {
        using var dir = new TempFolder();
        string path = dir.File("a.key");
        if (existing) File.WriteAllText(path, "old");
        var platform = new FailingPlatform(failWrite: true);

        var ex = Assert.Throws<SaleschatException>(() => new AtomicFileWriter(platform).Write(path, Content, true, overwrite: true, existsErrorId: ErrorIds.KeyFileExists));

        Assert.Equal(ErrorIds.FileWriteFailed, ex.ErrorId);
        Assert.Equal(ErrorKind.WriteError, ex.Kind);
        Assert.True(platform.TemporaryCreated, "the fake must have created the temporary file for this test to mean anything");
        Assert.Equal(existing ? new[] { "a.key" } : Array.Empty<string>(), dir.Names());
        if (existing) Assert.Equal("old", File.ReadAllText(path));
    }

    [Fact]
    public void A_failed_replace_leaves_no_temporary_file_and_the_old_file_intact()
    {
        using var dir = new TempFolder();
        string path = dir.File("a.key");
        File.WriteAllText(path, "old");
        var ex = Assert.Throws<SaleschatException>(() => new AtomicFileWriter(new FailingPlatform(failReplace: true)).Write(path, Content, true, true, ErrorIds.KeyFileExists));
        Assert.Equal(ErrorIds.FileWriteFailed, ex.ErrorId);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(new[] { "a.key" }, dir.Names());
    }

    [UnixOnlyFact]
    public void A_new_public_file_is_0644_and_a_replaced_one_keeps_its_mode()
    {
        using var dir = new TempFolder();
        string path = dir.File("a.crt");
        new AtomicFileWriter().Write(path, Content, ownerOnly: false, overwrite: false, existsErrorId: ErrorIds.CertificateFileExists);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));

        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead);
        new AtomicFileWriter().Write(path, Content, ownerOnly: false, overwrite: true, existsErrorId: ErrorIds.CertificateFileExists);
        Assert.Equal(OwnerOnly | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
    }

    [Fact]
    public void An_abandoned_temporary_file_for_the_target_is_removed_and_others_are_kept()
    {
        using var dir = new TempFolder();
        string path = dir.File("a.key");
        File.WriteAllText(dir.File(".a.key.0123abcd.tmp"), "-----BEGIN PRIVATE KEY-----");
        File.WriteAllText(dir.File(".a.key.bak.0123abcd.tmp"), "another target's");
        File.WriteAllText(dir.File(".a.key.XYZ.tmp"), "not our name");
        new AtomicFileWriter().Write(path, Content, ownerOnly: true, overwrite: false, existsErrorId: ErrorIds.KeyFileExists);
        Assert.Equal(new[] { ".a.key.XYZ.tmp", ".a.key.bak.0123abcd.tmp", "a.key" }.OrderBy(n => n).ToArray(), dir.Names());
    }

    [Fact]
    public void A_temporary_file_a_live_writer_holds_is_not_removed()
    {
        using var dir = new TempFolder();
        string live = dir.File(".a.key.0123abcd.tmp");
        using (new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            new AtomicFileWriter().Write(dir.File("a.key"), Content, ownerOnly: true, overwrite: false, existsErrorId: ErrorIds.KeyFileExists);
            Assert.True(File.Exists(live));
        }
    }

    [Fact]
    public void A_folder_at_the_path_is_NotARegularFile_and_a_NUL_is_InvalidPath()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("sub"));
        Assert.Equal(ErrorIds.NotARegularFile, Assert.Throws<SaleschatException>(() => new AtomicFileWriter().Write(dir.File("sub"), Content, true, true, ErrorIds.KeyFileExists)).ErrorId);
        Assert.Equal(ErrorIds.InvalidPath, Assert.Throws<SaleschatException>(() => new AtomicFileWriter().Write(dir.File("a\0b"), Content, true, true, ErrorIds.KeyFileExists)).ErrorId);
    }

    /// <summary>The real platform, except that writing or replacing fails as a full disk would.</summary>
    private sealed class FailingPlatform(bool failWrite = false, bool failReplace = false) : IFilePlatform
    {
        public bool TemporaryCreated { get; private set; }

        public Stream CreateNew(string path, bool ownerOnly)
        {
            Stream real = FilePlatform.Current.CreateNew(path, ownerOnly);
            TemporaryCreated = File.Exists(path);
            return failWrite ? new FullDiskStream(real) : real;
        }

        public void ReplaceAtomically(string source, string destination)
        {
            if (failReplace) throw new IOException("simulated rename failure");
            FilePlatform.Current.ReplaceAtomically(source, destination);
        }

        public bool? IsReadableByOthers(string path, out string detail) => FilePlatform.Current.IsReadableByOthers(path, out detail);

        public FileFacts? Inspect(string path) => FilePlatform.Current.Inspect(path);

        public FileFacts? Inspect(FileStream open) => FilePlatform.Current.Inspect(open);

        public void SetPermissions(string path, int mode) => FilePlatform.Current.SetPermissions(path, mode);

        public bool CanRenameOpenFile => FilePlatform.Current.CanRenameOpenFile;

        public FileStream? TryLock(string path) => FilePlatform.Current.TryLock(path);

        public void ReleaseLock(FileStream held, string path) => FilePlatform.Current.ReleaseLock(held, path);

        public bool TryRemoveAbandoned(string path) => FilePlatform.Current.TryRemoveAbandoned(path);
    }

    private sealed class FullDiskStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, Math.Min(count, 3));
            throw new IOException("No space left on device");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
