using System.Security.Cryptography;
using System.Text;

namespace Saleschat.Emulator.Api;

/// <summary>Every API route except the hello test endpoint needs <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
internal sealed class ApiKeyFilter(EmulatorOptions options) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        string? header = context.HttpContext.Request.Headers.Authorization;
        return HasValidKey(header) ? next(context) : ValueTask.FromResult<object?>(ApiError.Unauthorized());
    }

    private bool HasValidKey(string? header) => Matches(header, options.ApiKey);

    /// <summary>Whether an Authorization header carries the emulator's API key.</summary>
    public static bool Matches(string? header, string apiKey)
    {
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Fixed-time comparison: cheap, and the emulator should not model a timing leak clients might rely on.
        var presented = Encoding.UTF8.GetBytes(header[Scheme.Length..]);
        var expected = Encoding.UTF8.GetBytes(apiKey);
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }
}
