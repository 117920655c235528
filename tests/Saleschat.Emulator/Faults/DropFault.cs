using Saleschat.Emulator.Hosting;

namespace Saleschat.Emulator.Faults;

/// <summary>
/// The connection dies mid-body after a 200 was promised: the case where a request certainly reached the server,
/// which a client must not blindly retry for non-idempotent methods.
/// </summary>
internal static class DropFault
{
    private const int PromisedLength = 1000;
    private static readonly byte[] Partial = "partial"u8.ToArray();

    public static async Task<IResult> HandleAsync(HttpContext context, int? times, string? key, EmulatorCounters counters)
    {
        var attempt = counters.RecordAttempt(FaultEndpoints.KeyOrDefault(key));
        if (attempt > (times ?? 1))
        {
            return Results.Json(new { ok = true, attempts = attempt });
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.ContentLength = PromisedLength;
        await response.Body.WriteAsync(Partial, context.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        context.Abort();
        return Results.Empty;
    }
}
