namespace Saleschat.Emulator.Faults;

/// <summary>
/// A large download (for -OutFile and memory tests), streamed in 64 KiB chunks and never held in memory.
/// Byte i is (byte)(i % 251): a prime period, so a dropped or repeated chunk shows up in any check.
/// </summary>
internal static class LargeBodyFault
{
    private const int ChunkSize = 64 * 1024;
    private const int Period = 251;

    // One chunk plus one period: any chunk of the stream is a slice of it, starting at (offset % 251).
    private static readonly byte[] Pattern = Enumerable.Range(0, ChunkSize + Period).Select(i => (byte)(i % Period)).ToArray();

    public static async Task<IResult> HandleAsync(HttpContext context, long? bytes)
    {
        var total = bytes ?? 0;
        if (total < 0)
        {
            return Api.ApiError.BadRequest("bytes must not be negative");
        }

        var response = context.Response;
        response.ContentType = "application/octet-stream";
        response.ContentLength = total;
        for (long offset = 0; offset < total; offset += ChunkSize)
        {
            var length = (int)Math.Min(ChunkSize, total - offset);
            var start = (int)(offset % Period);
            await response.Body.WriteAsync(Pattern.AsMemory(start, length), context.RequestAborted).ConfigureAwait(false);
        }

        return Results.Empty;
    }
}
