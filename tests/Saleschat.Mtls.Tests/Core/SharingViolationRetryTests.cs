using Saleschat.Mtls.Files;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// A new file written without -Force is renamed into place once; on Windows a scanner holding the temporary file for a
/// moment makes that rename fail with a sharing violation, so it gets the same bounded retry as a replace.
/// </summary>
public sealed class SharingViolationRetryTests
{
    private static IOException Win32IO(int code) => new("busy") { HResult = unchecked((int)0x80070000) | code };

    [Theory]
    [InlineData(32)] // ERROR_SHARING_VIOLATION
    [InlineData(33)] // ERROR_LOCK_VIOLATION
    [InlineData(5)]  // ERROR_ACCESS_DENIED as an IOException
    public void A_sharing_violation_that_clears_is_retried_until_it_works(int code)
    {
        int calls = 0;
        var pauses = new List<TimeSpan>();
        SharingViolationRetry.Run(() => { if (++calls < 4) throw Win32IO(code); }, () => true, pauses.Add);
        Assert.Equal(4, calls);
        Assert.Equal(new[] { 50, 100, 150 }, pauses.Select(p => (int)p.TotalMilliseconds));
    }

    [Fact]
    public void Access_denied_from_File_Move_is_retried_too()
    {
        int calls = 0;
        SharingViolationRetry.Run(() => { if (++calls == 1) throw new UnauthorizedAccessException("denied"); }, () => true, _ => { });
        Assert.Equal(2, calls);
    }

    [Fact]
    public void The_retry_is_bounded_and_the_last_failure_is_rethrown()
    {
        int calls = 0;
        TimeSpan waited = TimeSpan.Zero;
        IOException last = Assert.Throws<IOException>(() => SharingViolationRetry.Run(() => { calls++; throw Win32IO(32); }, () => true, p => waited += p));
        Assert.Equal(SharingViolationRetry.Attempts, calls);
        Assert.Equal(0x80070020u, unchecked((uint)last.HResult));
        Assert.InRange(waited.TotalSeconds, 2, 3);
    }

    [Fact]
    public void An_existing_target_is_not_retried_it_is_the_exists_error()
    {
        int calls = 0;
        Assert.Throws<IOException>(() => SharingViolationRetry.Run(() => { calls++; throw Win32IO(32); }, () => false, _ => { }));
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData(80)]   // ERROR_FILE_EXISTS: another writer won, never retried
    [InlineData(183)]  // ERROR_ALREADY_EXISTS
    [InlineData(112)]  // ERROR_DISK_FULL
    public void Other_failures_are_not_retried(int code)
    {
        int calls = 0;
        Assert.Throws<IOException>(() => SharingViolationRetry.Run(() => { calls++; throw Win32IO(code); }, () => true, _ => { }));
        Assert.Equal(1, calls);
        Assert.False(SharingViolationRetry.IsTransient(new FileNotFoundException()));
        Assert.False(SharingViolationRetry.IsTransient(new IOException("plain", unchecked((int)0x80131620))));
    }
}
