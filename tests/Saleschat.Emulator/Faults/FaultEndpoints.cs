namespace Saleschat.Emulator.Faults;

/// <summary>
/// Routes that misbehave on request, so client retry, timeout, streaming and redaction logic can be tested
/// deterministically. They sit behind the API key like every other route.
/// </summary>
internal static class FaultEndpoints
{
    private static readonly string[] AnyMethod = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/__faults/status/{code:int}", AnyMethod, StatusFault.Handle);
        routes.MapMethods("/__faults/slow", AnyMethod, SlowFault.HandleAsync);
        routes.MapMethods("/__faults/drop", AnyMethod, DropFault.HandleAsync);
        routes.MapGet("/__faults/large", LargeBodyFault.HandleAsync);
        routes.MapMethods("/__faults/echo", AnyMethod, (Delegate)EchoFault.HandleAsync); // cast: a bare RequestDelegate would discard the IResult
        routes.MapMethods("/__faults/text", AnyMethod, () => Results.Text("plain text body", "text/plain; charset=utf-8"));
        routes.MapGet("/__faults/json", HostileBodyFault.JsonAsync);
        routes.MapGet("/__faults/comments", HostileBodyFault.CommentsAsync);
        routes.MapGet("/__faults/endless", HostileBodyFault.EndlessAsync);
        routes.MapMethods("/__faults/gzipbomb", AnyMethod, HostileBodyFault.GzipBombAsync);
        routes.MapMethods("/__faults/hostile-error", AnyMethod, HostileBodyFault.Error);
        routes.MapMethods("/__faults/charset", AnyMethod, CharsetFault.HandleAsync);
    }

    /// <summary>Requests without <c>key</c> are still counted, under the empty key.</summary>
    public static string KeyOrDefault(string? key) => key ?? string.Empty;
}
