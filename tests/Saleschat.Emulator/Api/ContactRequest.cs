using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Saleschat.Emulator.Api;

/// <summary>Turns a create-contact body into the stored contact, or explains why it is a 400.</summary>
internal static class ContactRequest
{
    private static readonly HashSet<string> ServerFields = new(StringComparer.Ordinal) { "id", "orgId", "createdAt", "name", "phone" };

    public static bool TryCreate(string orgId, string body, out JsonObject contact, out string error)
    {
        contact = [];
        error = string.Empty;
        JsonObject input;
        try
        {
            if (JsonNode.Parse(body) is not JsonObject parsed)
            {
                error = "The body must be a JSON object";
                return false;
            }

            input = parsed;
        }
        catch (JsonException exception)
        {
            error = $"The body is not valid JSON: {exception.Message}";
            return false;
        }

        if (!TryGetString(input["phone"], out var phone) || string.IsNullOrWhiteSpace(phone))
        {
            error = "'phone' is required and must be a non-empty string";
            return false;
        }

        var name = input["name"];
        if (name is not null && !TryGetString(name, out _))
        {
            error = "'name' must be a string";
            return false;
        }

        contact = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["orgId"] = orgId,
            ["name"] = name?.DeepClone(),
            ["phone"] = phone,
            ["createdAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };

        // Unknown fields are echoed back, as the real API keeps custom attributes; server-owned ones win.
        foreach (var (key, value) in input)
        {
            if (!ServerFields.Contains(key))
            {
                contact[key] = value?.DeepClone();
            }
        }

        return true;
    }

    private static bool TryGetString(JsonNode? node, out string value)
    {
        value = string.Empty;
        return node is JsonValue jsonValue && jsonValue.TryGetValue(out value!);
    }
}
