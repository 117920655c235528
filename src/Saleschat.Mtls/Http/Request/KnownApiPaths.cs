namespace Saleschat.Mtls.Http.Request
{
    /// <summary>The Saleschat API paths the module documents, offered by tab completion of -Path.</summary>
    public static class KnownApiPaths
    {
        public static readonly string[] All =
        {
            "/v4/orgs/{orgId}/mtls/hello",
            "/v2/org/{orgId}/contact",
            "/v1/orgs/{orgId}/contact/{contactId}",
        };
    }
}
