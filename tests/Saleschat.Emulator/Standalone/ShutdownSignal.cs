using System.Runtime.InteropServices;

namespace Saleschat.Emulator.Standalone;

/// <summary>
/// Completes when the standalone emulator should stop: stdin closed (the parent process went away or closed the
/// pipe on purpose), SIGTERM, or Ctrl+C. Watching stdin means an emulator started by a test script cannot outlive it.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration _sigterm;
    private readonly PosixSignalRegistration _sigint;

    public ShutdownSignal(bool watchStdin)
    {
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        if (watchStdin)
        {
            _ = Task.Run(WaitForStdinToCloseAsync);
        }
    }

    public Task WaitAsync() => Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(static _ => { }, TaskScheduler.Default);

    public void Dispose()
    {
        _sigterm.Dispose();
        _sigint.Dispose();
        _stop.Dispose();
    }

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true; // shut down in order (dispose the hosts) instead of the runtime's default exit
        _stop.Cancel();
    }

    private async Task WaitForStdinToCloseAsync()
    {
        try
        {
            await using var stdin = Console.OpenStandardInput();
            await stdin.CopyToAsync(Stream.Null, _stop.Token).ConfigureAwait(false);
            await _stop.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Already stopping because of a signal.
        }
    }
}
