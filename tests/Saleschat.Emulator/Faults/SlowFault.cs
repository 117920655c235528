using Saleschat.Emulator.Hosting;

namespace Saleschat.Emulator.Faults;

/// <summary>A slow server, for client timeouts. Stops waiting when the client gives up, so nothing lingers.</summary>
internal static class SlowFault
{
    public static async Task<IResult> HandleAsync(HttpContext context, int? ms, string? key, EmulatorCounters counters)
    {
        counters.RecordAttempt(FaultEndpoints.KeyOrDefault(key));
        try
        {
            await Task.Delay(Math.Max(0, ms ?? 0), context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return Results.Empty; // the client is gone; there is no one to answer
        }

        return Results.Json(new { ok = true });
    }
}
