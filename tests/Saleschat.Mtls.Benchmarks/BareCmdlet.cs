using System.Collections;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// The floor for any cmdlet: a binary cmdlet that does nothing but one GET with the raw client
/// (<see cref="Floor.Client"/>). The gap between it and the raw loop is PowerShell's cost of running a command;
/// the gap between it and Invoke-SaleschatMtlsRequest is the module's own.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BareGet")]
public sealed class InvokeBareGetCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public Uri Uri { get; set; } = null!;

    protected override void ProcessRecord() => WriteObject(Floor.GetText(Floor.Client!, Uri));
}

/// <summary>
/// The floor for piped calls: a binary cmdlet that POSTs each piped hashtable with the raw client, its JSON built
/// by string formatting and its answer written as text (no JSON library either way). Its gap to the raw loop is
/// PowerShell's cost of passing one object down a pipeline.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BarePost")]
public sealed class InvokeBarePostCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public Uri Uri { get; set; } = null!;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public Hashtable Body { get; set; } = null!;

    protected override void ProcessRecord() => WriteObject(Floor.Post(Floor.Client!, Uri, Floor.BodyOf(Body)));
}

/// <summary>
/// The floor for piped calls that return objects: <see cref="InvokeBarePostCommand"/> plus the JSON work any cmdlet
/// that takes and returns PowerShell objects must do, done by PowerShell's own converters (the code behind
/// ConvertTo-Json and ConvertFrom-Json and Invoke-RestMethod): each hashtable becomes JSON, each JSON answer a
/// PSCustomObject. Its gap to the bare piped cmdlet is the price of objects in and out, whoever converts them.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BareJsonPost")]
public sealed class InvokeBareJsonPostCommand : PSCmdlet
{
    private static readonly JsonObject.ConvertToJsonContext Compressed = new(maxDepth: 64, enumsAsStrings: false, compressOutput: true);

    [Parameter(Mandatory = true, Position = 0)]
    public Uri Uri { get; set; } = null!;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public Hashtable Body { get; set; } = null!;

    protected override void ProcessRecord()
    {
        string answer = Floor.Post(Floor.Client!, Uri, JsonObject.ConvertToJson(Body, in Compressed));
        object value = JsonObject.ConvertFromJson(answer, out ErrorRecord error);
        if (error != null)
        {
            ThrowTerminatingError(error);
        }

        WriteObject(value);
    }
}
