namespace Saleschat.Emulator.Api;

/// <summary>
/// The hello call works without an API key (Saleschat's documented curl sends none), but a key that is sent must be the
/// right one: Saleschat accepts traffic only with the right API key and client certificate, so a wrong key gets the
/// same 401 as on every API route, and a CI gate on the hello call tells the truth.
/// </summary>
internal sealed class HelloApiKeyFilter(EmulatorOptions options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        string? header = context.HttpContext.Request.Headers.Authorization;
        return header is null || ApiKeyFilter.Matches(header, options.ApiKey)
            ? next(context)
            : ValueTask.FromResult<object?>(ApiError.Unauthorized());
    }
}
