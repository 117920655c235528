using System.Globalization;
using Saleschat.Emulator.Api;
using Saleschat.Emulator.Hosting;

namespace Saleschat.Emulator.Faults;

/// <summary>Answers an error status for the first N attempts of a key, then succeeds: the shape of a transient fault.</summary>
internal static class StatusFault
{
    public static IResult Handle(
        HttpContext context, int code, int? times, string? key, int? retryAfter, EmulatorCounters counters)
    {
        if (code is < 100 or > 599)
        {
            return ApiError.BadRequest("code must be an HTTP status between 100 and 599");
        }

        var attempt = counters.RecordAttempt(FaultEndpoints.KeyOrDefault(key));
        if (attempt > (times ?? 1))
        {
            return Results.Json(new { ok = true, attempts = attempt });
        }

        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        // 1xx, 204 and 304 may not carry a body.
        return code < 200 || code is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified
            ? Results.StatusCode(code)
            : ApiError.Injected(code);
    }
}
