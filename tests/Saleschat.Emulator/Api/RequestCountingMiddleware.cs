using Saleschat.Emulator.Hosting;

namespace Saleschat.Emulator.Api;

/// <summary>First in the pipeline, so refused and unauthorised requests are counted too.</summary>
internal sealed class RequestCountingMiddleware(RequestDelegate next, EmulatorCounters counters)
{
    public Task InvokeAsync(HttpContext context)
    {
        counters.RecordRequest(context.Request.Protocol);
        return next(context);
    }
}
