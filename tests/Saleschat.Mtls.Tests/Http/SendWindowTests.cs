using Saleschat.Mtls.Http;
using Saleschat.Mtls.Pipeline;
using Xunit;

namespace Saleschat.Mtls.Tests.Http;

public sealed class SendWindowTests
{
    [Fact]
    public void Outcomes_come_back_in_submission_order_even_when_later_sends_finish_first()
    {
        var window = new SendWindow<int>(4, CancellationToken.None);
        var taken = new List<int>();
        for (int i = 0; i < 20; i++)
        {
            int item = i;
            // Early items are the slow ones, so completion order is roughly the reverse of input order.
            taken.AddRange(window.Submit(async (_, token) => { await Task.Delay((20 - item) % 7 * 3, token); return item; }).Select(o => o.Result));
        }

        taken.AddRange(window.Drain().Select(o => o.Result));
        Assert.Equal(Enumerable.Range(0, 20), taken);
        Assert.Equal(0, window.Outstanding);
    }

    [Fact]
    public void Never_more_than_the_limit_run_at_once_and_the_limit_is_reached()
    {
        var window = new SendWindow<int>(3, CancellationToken.None);
        int running = 0, peak = 0;
        // The first sends wait (2 s at most) until three run at once: on a busy machine a send could otherwise end before
        // the next one starts, and the limit would look unreached.
        var threeRunning = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        for (int i = 0; i < 30; i++)
        {
            window.Submit(async (_, token) =>
            {
                int now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                if (now == 3)
                {
                    threeRunning.TrySetResult(true);
                }

                await Task.WhenAny(threeRunning.Task, Task.Delay(2000, token));
                await Task.Delay(5, token);
                Interlocked.Decrement(ref running);
                return 0;
            });
            Assert.True(window.Outstanding <= 6, "the caller waits once twice the limit are outstanding");
        }

        window.Drain();
        Assert.Equal(3, peak);
    }

    [Fact]
    public void A_failed_send_is_one_outcome_with_its_exception_and_the_others_still_succeed()
    {
        var window = new SendWindow<int>(2, CancellationToken.None);
        var outcomes = new List<SendOutcome<int>>();
        for (int i = 0; i < 6; i++)
        {
            int item = i;
            outcomes.AddRange(window.Submit(async (log, _) =>
            {
                log($"item {item}");
                await Task.Yield();
                return item % 3 == 1 ? throw new InvalidOperationException($"bad {item}") : item;
            }));
        }

        outcomes.AddRange(window.Drain());
        Assert.Equal(6, outcomes.Count);
        Assert.Equal(new[] { "bad 1", "bad 4" }, outcomes.Where(o => o.Error != null).Select(o => o.Error!.Message));
        Assert.IsType<InvalidOperationException>(outcomes[1].Error);
        Assert.Equal(new[] { 0, 2, 3, 5 }, outcomes.Where(o => o.Error == null).Select(o => o.Result));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"item {i}"), outcomes.Select(o => Assert.Single(o.Log)));
    }

    [Fact]
    public void Cancelling_stops_running_and_queued_sends_and_any_wait_at_once()
    {
        using var stop = new CancellationTokenSource();
        var window = new SendWindow<int>(2, stop.Token);
        int started = 0;
        for (int i = 0; i < 4; i++)
        {
            window.Submit(async (_, token) => { Interlocked.Increment(ref started); await Task.Delay(Timeout.Infinite, token); return 0; });
        }

        stop.CancelAfter(100);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => window.Drain());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
        Assert.Equal(2, started);
    }

    [Fact]
    public void A_limit_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SendWindow<int>(0, CancellationToken.None));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
