using System.Text;

namespace Saleschat.Emulator.Faults;

/// <summary>
/// Answers a small JSON body declared in any charset the test names (utf-7, a made-up one, ...), so a client can be
/// shown an encoding the platform refuses. The bytes are plain ASCII whatever the label says; <c>status</c> makes the
/// answer an error, so the error path decodes it too.
/// </summary>
internal static class CharsetFault
{
    private static readonly byte[] Body =
        Encoding.ASCII.GetBytes("{\"code\":4000001,\"message\":\"charset answer\",\"ok\":true}");

    public static async Task HandleAsync(HttpContext context, string? name, int? status)
    {
        context.Response.StatusCode = status is >= 200 and <= 599 ? status.Value : StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=" + (name ?? "utf-7");
        context.Response.ContentLength = Body.Length;
        await context.Response.Body.WriteAsync(Body, context.RequestAborted);
    }
}
