using System.Management.Automation;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// The floor for any cmdlet: a binary cmdlet that does nothing but one HttpClient GET with the same
/// client as the raw rows. The gap between it and the raw loop is PowerShell's cost of running a command;
/// the gap between it and Invoke-SaleschatMtlsRequest is the module's own.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BareGet")]
public sealed class InvokeBareGetCommand : PSCmdlet
{
    /// <summary>Set by the benchmark before each round.</summary>
    public static HttpClient? Client { get; set; }

    [Parameter(Mandatory = true, Position = 0)]
    public Uri Uri { get; set; } = null!;

    protected override void ProcessRecord()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Uri) { Version = new Version(2, 0) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + BenchContext.ApiKey);
        using HttpResponseMessage response = Client!.SendAsync(request).GetAwaiter().GetResult();
        WriteObject(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
    }
}
