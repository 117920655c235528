namespace Saleschat.Emulator.Api;

/// <summary>The contact routes from Saleschat's API, enough to exercise create/read/list, 409 and 404.</summary>
internal static class ContactEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v2/org/{orgId}/contact", CreateAsync);
        routes.MapGet("/v2/org/{orgId}/contact", (string orgId, ContactStore store) => Results.Json(store.List(orgId)));
        routes.MapGet("/v1/orgs/{orgId}/contact/{contactId}", (string orgId, string contactId, ContactStore store) =>
            store.Find(orgId, contactId) is { } contact
                ? Results.Json(contact)
                : ApiError.NotFound($"Contact '{contactId}' not found in org '{orgId}'"));
    }

    private static async Task<IResult> CreateAsync(string orgId, HttpRequest request, ContactStore store)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (!ContactRequest.TryCreate(orgId, body, out var contact, out var error))
        {
            return ApiError.BadRequest(error);
        }

        var stored = store.TryAdd(orgId, contact);
        return stored is null
            ? ApiError.Conflict($"A contact with phone '{contact["phone"]}' already exists in org '{orgId}'")
            : Results.Created($"/v1/orgs/{orgId}/contact/{stored["id"]}", stored);
    }
}
