using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;
using Saleschat.Mtls.Rotation;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// On Windows the lock file is removed by its holder's DeleteOnClose handle; while a scanner still has it open it is
/// delete-pending, and opening it fails with access denied. That is a lock being released: wait, never fail.
/// </summary>
public sealed class RotationLockTests
{
    [Fact]
    public void An_access_denied_lock_file_that_exists_is_waited_for_then_taken()
    {
        using var dir = new TempFolder();
        var paths = new RotationPaths(dir.File("client.crt"), dir.File("client.key"));
        File.WriteAllText(paths.LockPath, string.Empty); // still listed, as a delete-pending file is
        var platform = new DeletePendingPlatform(deniedOpens: 3);

        using (RotationLock.Acquire(paths, TimeSpan.FromSeconds(10), platform))
        {
            Assert.Equal(4, platform.Opens);
        }
    }

    [Fact]
    public void A_lock_file_that_stays_delete_pending_ends_in_RotationInProgress_saying_so()
    {
        using var dir = new TempFolder();
        var paths = new RotationPaths(dir.File("client.crt"), dir.File("client.key"));
        File.WriteAllText(paths.LockPath, string.Empty);
        var platform = new DeletePendingPlatform(deniedOpens: int.MaxValue);

        var ex = Assert.Throws<SaleschatException>(() => RotationLock.Acquire(paths, TimeSpan.FromMilliseconds(300), platform));
        Assert.Equal(ErrorIds.RotationInProgress, ex.ErrorId);
        Assert.Contains("access denied", ex.Message);
        Assert.True(platform.Opens > 1, "it waited instead of failing at once");
    }

    [Fact]
    public void Access_denied_with_no_lock_file_is_an_unwritable_folder_reported_at_once()
    {
        using var dir = new TempFolder();
        var paths = new RotationPaths(dir.File("client.crt"), dir.File("client.key"));
        var platform = new DeletePendingPlatform(deniedOpens: int.MaxValue);

        var ex = Assert.Throws<SaleschatException>(() => RotationLock.Acquire(paths, TimeSpan.FromSeconds(10), platform));
        Assert.Equal(ErrorIds.FileWriteFailed, ex.ErrorId);
        Assert.Equal(1, platform.Opens);
    }

    /// <summary>The real platform, except that the first opens of the lock fail as Windows fails a delete-pending file.</summary>
    private sealed class DeletePendingPlatform(int deniedOpens) : IFilePlatform
    {
        public int Opens { get; private set; }

        public FileStream? TryLock(string path)
        {
            if (++Opens <= deniedOpens)
            {
                throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
            }

            return FilePlatform.Current.TryLock(path);
        }

        public Stream CreateNew(string path, bool ownerOnly) => FilePlatform.Current.CreateNew(path, ownerOnly);

        public void ReplaceAtomically(string source, string destination) => FilePlatform.Current.ReplaceAtomically(source, destination);

        public bool? IsReadableByOthers(string path, out string detail) => FilePlatform.Current.IsReadableByOthers(path, out detail);

        public FileFacts? Inspect(string path) => FilePlatform.Current.Inspect(path);

        public FileFacts? Inspect(FileStream open) => FilePlatform.Current.Inspect(open);

        public void SetPermissions(string path, int mode) => FilePlatform.Current.SetPermissions(path, mode);

        public bool CanRenameOpenFile => FilePlatform.Current.CanRenameOpenFile;

        public void ReleaseLock(FileStream held, string path) => FilePlatform.Current.ReleaseLock(held, path);

        public bool TryRemoveAbandoned(string path) => FilePlatform.Current.TryRemoveAbandoned(path);
    }
}
