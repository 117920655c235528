using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;

namespace Saleschat.Emulator.Faults;

/// <summary>
/// Reflects the request back, so tests can see exactly what a client sent (method, query, headers, body).
/// The Authorization value is never reflected: tests use this route to prove secrets do not leak, and the echo
/// itself must not become the leak.
/// </summary>
internal static class EchoFault
{
    private const string Redacted = "[redacted]";

    public static async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);

        var query = new JsonObject();
        foreach (var (name, values) in request.Query)
        {
            query[name] = values.ToString();
        }

        var headers = new JsonObject();
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Equals(name, HeaderNames.Authorization, StringComparison.OrdinalIgnoreCase)
                ? Redacted
                : values.ToString();
        }

        return Results.Json(new JsonObject
        {
            ["method"] = request.Method,
            ["path"] = request.PathBase.Add(request.Path).Value,
            ["query"] = query,
            ["contentType"] = request.ContentType,
            ["headers"] = headers,
            ["body"] = ParseBody(body),
        });
    }

    private static JsonNode? ParseBody(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return JsonValue.Create(body);
        }
    }
}
