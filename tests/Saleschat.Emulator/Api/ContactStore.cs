using System.Text.Json.Nodes;

namespace Saleschat.Emulator.Api;

/// <summary>
/// In-memory contacts per org, with Saleschat's unique-phone rule. Contacts are kept as JSON objects so fields the
/// emulator does not know about round-trip unchanged; callers always get deep copies, so nothing shared is mutated
/// or serialised from two threads.
/// </summary>
internal sealed class ContactStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<JsonObject>> _byOrg = new(StringComparer.Ordinal);

    /// <returns>The stored contact, or null when the org already has a contact with this phone.</returns>
    public JsonObject? TryAdd(string orgId, JsonObject contact)
    {
        var phone = (string)contact["phone"]!;
        lock (_gate)
        {
            var contacts = ContactsOf(orgId);
            if (contacts.Any(existing => (string?)existing["phone"] == phone))
            {
                return null;
            }

            contacts.Add(contact);
            return (JsonObject)contact.DeepClone();
        }
    }

    public JsonObject? Find(string orgId, string contactId)
    {
        lock (_gate)
        {
            var contact = ContactsOf(orgId).FirstOrDefault(c => (string?)c["id"] == contactId);
            return (JsonObject?)contact?.DeepClone();
        }
    }

    public JsonArray List(string orgId)
    {
        lock (_gate)
        {
            return new JsonArray(ContactsOf(orgId).Select(c => (JsonNode)c.DeepClone()).ToArray());
        }
    }

    private List<JsonObject> ContactsOf(string orgId)
    {
        if (!_byOrg.TryGetValue(orgId, out var contacts))
        {
            contacts = [];
            _byOrg[orgId] = contacts;
        }

        return contacts;
    }
}
