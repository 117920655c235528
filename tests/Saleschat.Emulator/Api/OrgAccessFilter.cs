namespace Saleschat.Emulator.Api;

/// <summary>Any route with an <c>{orgId}</c> segment answers 403 4030001 for an org outside the configured set.</summary>
internal sealed class OrgAccessFilter(EmulatorOptions options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.GetRouteValue("orgId") is string orgId && !options.OrgIds.Contains(orgId))
        {
            return ValueTask.FromResult<object?>(ApiError.Forbidden(orgId));
        }

        return next(context);
    }
}
