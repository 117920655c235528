using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;

namespace Saleschat.Emulator.Faults;

/// <summary>
/// Bodies a hostile or broken server sends, for the client's bounds: a huge JSON answer, a body that never
/// ends, a gzip bomb, and an error answer that is huge and full of terminal escapes. Every loop is bounded by its
/// byte count and stops when the client goes away.
/// </summary>
internal static class HostileBodyFault
{
    private const int ChunkSize = 64 * 1024;
    private const long EndlessLimit = 64L * 1024 * 1024 * 1024;

    // One gzip member of 16 MiB of zeros, repeated: RFC 1952 allows a stream of members, decoders join them, and
    // the emulator need not spend seconds compressing gigabytes.
    private const int MemberSize = 16 * 1024 * 1024;
    private static readonly ConcurrentDictionary<int, byte[]> Members = new();

    /// <summary>A JSON array of contact-like objects, at least <paramref name="bytes"/> long, streamed.</summary>
    public static async Task<IResult> JsonAsync(HttpContext context, long? bytes)
    {
        var total = bytes ?? 1024 * 1024;
        var response = context.Response;
        response.ContentType = "application/json; charset=utf-8";
        var chunk = new StringBuilder(ChunkSize + 256);
        long written = 1, id = 0;
        chunk.Append('[');
        while (written < total)
        {
            var item = (id == 0 ? string.Empty : ",") + $"{{\"id\":{id},\"name\":\"contact-{id}\",\"email\":\"c{id}@example.com\",\"active\":true}}";
            chunk.Append(item);
            written += item.Length;
            id++;
            if (chunk.Length >= ChunkSize)
            {
                await response.Body.WriteAsync(Encoding.UTF8.GetBytes(chunk.ToString()), context.RequestAborted).ConfigureAwait(false);
                chunk.Clear();
            }
        }

        chunk.Append(']');
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(chunk.ToString()), context.RequestAborted).ConfigureAwait(false);
        return Results.Empty;
    }

    /// <summary>
    /// Valid JSON a careless parser recurses on: <paramref name="count"/> comments (default 10⁶) before the value of
    /// an array (<c>[/**/…1]</c>) or an object (<c>{"a":/**/…1}</c>), or <c>mixed</c>: <paramref name="depth"/> levels
    /// of arrays and objects with a comment at every step, then the comments.
    /// </summary>
    public static async Task<IResult> CommentsAsync(HttpContext context, int? count, string? shape, int? depth)
    {
        var levels = shape == "mixed" ? Math.Clamp(depth ?? 100, 0, 1_000_000) : 0;
        var open = shape == "object" ? "{\"a\":" : "[";
        var close = shape == "object" ? "}" : "]";
        var head = new StringBuilder(open);
        for (var i = 0; i < levels; i++)
        {
            head.Append("[/**/{\"k\":/**/");
        }

        context.Response.ContentType = "application/json";
        var body = context.Response.Body;
        var aborted = context.RequestAborted;
        await body.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), aborted).ConfigureAwait(false);
        var comments = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("/**/", ChunkSize / 4)));
        for (long left = Math.Clamp(count ?? 1_000_000, 0, 100_000_000); left > 0; left -= ChunkSize / 4)
        {
            await body.WriteAsync(comments.AsMemory(0, (int)Math.Min(left, ChunkSize / 4) * 4), aborted).ConfigureAwait(false);
        }

        var tail = new StringBuilder("1");
        for (var i = 0; i < levels; i++)
        {
            tail.Append("}]");
        }

        await body.WriteAsync(Encoding.ASCII.GetBytes(tail.Append(close).ToString()), aborted).ConfigureAwait(false);
        return Results.Empty;
    }

    /// <summary>A 200 whose body has no length and no end (it stops at 64 GiB or when the client leaves).</summary>
    public static async Task<IResult> EndlessAsync(HttpContext context, string? type)
    {
        var response = context.Response;
        response.ContentType = type == "octet" ? "application/octet-stream" : "application/json";
        var filler = Encoding.ASCII.GetBytes(new string(' ', ChunkSize));
        filler[0] = (byte)'[';
        try
        {
            for (long sent = 0; sent < EndlessLimit && !context.RequestAborted.IsCancellationRequested; sent += ChunkSize)
            {
                await response.Body.WriteAsync(filler, context.RequestAborted).ConfigureAwait(false);
                filler[0] = (byte)' ';
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client gave up, as it should.
        }

        return Results.Empty;
    }

    /// <summary><paramref name="bytes"/> zero bytes (default 4 GiB) sent gzip-compressed: about a thousandth of that on the wire.</summary>
    public static async Task<IResult> GzipBombAsync(HttpContext context, long? bytes)
    {
        var size = Math.Max(bytes ?? 4L * 1024 * 1024 * 1024, 0);
        var whole = Members.GetOrAdd(MemberSize, Compress);
        var remainder = (int)(size % MemberSize);
        var last = remainder == 0 ? [] : Members.GetOrAdd(remainder, Compress);
        var response = context.Response;
        response.ContentType = "application/json";
        response.Headers.ContentEncoding = "gzip";
        response.ContentLength = (size / MemberSize) * whole.Length + last.Length;
        try
        {
            for (long i = 0; i < size / MemberSize; i++)
            {
                await response.Body.WriteAsync(whole, context.RequestAborted).ConfigureAwait(false);
            }

            await response.Body.WriteAsync(last, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client refused the rest.
        }

        return Results.Empty;
    }

    /// <summary>
    /// An error answer (default 400) of about <paramref name="bytes"/> with terminal escapes in every field a client
    /// might print: clear-screen, a window title, colours, a bidi override. <c>format=text</c> sends raw escape bytes.
    /// </summary>
    public static IResult Error(int? status, long? bytes, string? format)
    {
        const string Escapes = "\u001b[2J\u001b]0;owned\u0007\u001b[31m\u202e";
        var padding = new string('x', (int)Math.Min(Math.Max(bytes ?? 0, 0), 512L * 1024 * 1024));
        var code = status ?? 400;
        if (format == "text")
        {
            return Results.Text($"{Escapes}server says no{Escapes}{padding}", "text/plain; charset=utf-8", statusCode: code);
        }

        return Results.Json(new Dictionary<string, object>
        {
            ["code"] = code * 10000 + 1,
            ["message"] = $"HOSTILE{Escapes}",
            ["description"] = $"{Escapes}bad{padding}",
        }, statusCode: code);
    }

    private static byte[] Compress(int size)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(new byte[size], 0, size);
        }

        return buffer.ToArray();
    }
}
