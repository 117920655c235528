using Saleschat.Mtls.Host;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Sessions;

/// <summary>
/// A runbook that fans out work (runspace pools, parallel jobs) hands one session to every runspace:
/// the calls must all succeed, keep their answers apart, and share the session's connection pool.
/// </summary>
public sealed class SharedSessionConcurrencyTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const int Runspaces = 8;
    private const int CallsPerRunspace = 50;

    [Fact]
    public async Task Eight_runspaces_share_one_session_and_its_connections()
    {
        // A fresh session: its pool has no connection yet, so every connection it opens is counted.
        object session = fixture.NewSession("-NoDefault").BaseObject;
        var engines = Enumerable.Range(0, Runspaces).AsParallel().Select(_ => new Engine()).ToArray();
        try
        {
            long before = fixture.Emulator.TlsConnections;
            // One dedicated thread per runspace, as PowerShell gives each runspace of a pool: the calls block
            // their pipeline thread while the HTTP work runs on the thread pool, which must stay free for it.
            var runs = engines.Select((engine, id) => Task.Factory.StartNew(() => engine.Run(
                "$n = 0; foreach ($i in 1..$calls) { " +
                "  $r = Invoke-SaleschatMtlsRequest -Session $s -Method Post '/__faults/echo' -Body @{ runspace = $id; call = $i }; " +
                "  if ($r.body.runspace -eq $id -and $r.body.call -eq $i) { $n++ } }; $n",
                ("s", session), ("id", id), ("calls", CallsPerRunspace)),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

            ScriptResult[] results = await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(60)); // bounded: a hang fails the test
            foreach (ScriptResult result in results)
            {
                Assert.Empty(result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}"));
                Assert.Equal(CallsPerRunspace, (int)result.Output.Single().BaseObject); // every answer was its own
            }

            long opened = fixture.Emulator.TlsConnections - before;
            Assert.InRange(opened, 1, Runspaces);
        }
        finally
        {
            foreach (var engine in engines) engine.Dispose();
        }
    }
}
