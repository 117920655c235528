namespace Saleschat.Emulator.Api;

/// <summary>
/// Saleschat's error body: a 7-digit code (HTTP status * 10000 + n), a constant message and a human description.
/// Clients surface the code, so the emulator must send the same shape for every error.
/// </summary>
internal sealed record ApiError(int Code, string Message, string Description)
{
    public static IResult BadRequest(string description) =>
        new ApiError(4000001, "BAD_REQUEST", description).ToResult(StatusCodes.Status400BadRequest);

    public static IResult Unauthorized() =>
        new ApiError(4010001, "UNAUTHORIZED", "Missing or invalid API key").ToResult(StatusCodes.Status401Unauthorized);

    public static IResult Forbidden(string orgId) =>
        new ApiError(4030001, "FORBIDDEN", $"The API key has no access to org '{orgId}'").ToResult(StatusCodes.Status403Forbidden);

    public static IResult CertificateNotRegistered(string description) =>
        new ApiError(4030002, "CLIENT_CERTIFICATE_NOT_REGISTERED", description).ToResult(StatusCodes.Status403Forbidden);

    public static IResult NotFound(string description) =>
        new ApiError(4040001, "NOT_FOUND", description).ToResult(StatusCodes.Status404NotFound);

    public static IResult Conflict(string description) =>
        new ApiError(4090001, "UQ_CONSTRAINT_FAILED", description).ToResult(StatusCodes.Status409Conflict);

    public static IResult Injected(int status) =>
        new ApiError(status * 10000 + 1, "INJECTED", $"Fault injected by the emulator: HTTP {status}").ToResult(status);

    private IResult ToResult(int status) => Results.Json(this, statusCode: status);
}
