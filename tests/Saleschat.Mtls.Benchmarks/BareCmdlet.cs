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

/// <summary>
/// The floor for piped calls: a binary cmdlet that takes each piped hashtable and POSTs it with the raw
/// client, as the raw rows do (no JSON conversion either way). Its gap to the raw loop is PowerShell's cost of
/// passing one object down a pipeline.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BarePost")]
public sealed class InvokeBarePostCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public Uri Uri { get; set; } = null!;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public System.Collections.Hashtable Body { get; set; } = null!;

    protected override void ProcessRecord()
    {
        using var content = new StringContent($"{{\"i\":{Body["i"]},\"name\":\"{Body["name"]}\"}}", System.Text.Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, Uri) { Version = new Version(2, 0), Content = content };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + BenchContext.ApiKey);
        using HttpResponseMessage response = InvokeBareGetCommand.Client!.SendAsync(request).GetAwaiter().GetResult();
        WriteObject(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
    }
}
