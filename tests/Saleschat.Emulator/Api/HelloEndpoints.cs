namespace Saleschat.Emulator.Api;

/// <summary>
/// Saleschat's documented mTLS test call. It needs only the client certificate (no API key; a wrong one is refused),
/// but the org must exist, so a client can tell "certificate refused" from "wrong org id".
/// </summary>
internal static class HelloEndpoints
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/v4/orgs/{orgId}/mtls/hello", () => Results.Text("Hello, world!", "text/plain; charset=utf-8"))
            .AddEndpointFilter<HelloApiKeyFilter>()
            .AddEndpointFilter<OrgAccessFilter>();
}
