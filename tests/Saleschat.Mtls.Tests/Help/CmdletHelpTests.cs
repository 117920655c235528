using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Help;

/// <summary>
/// Help is part of the product: every exported cmdlet (whatever the module exports, so cmdlets added
/// later are covered without touching this file) has full help that Get-Help finds in the built module.
/// </summary>
public sealed class CmdletHelpTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const string HelpScript = """
        $common = [System.Management.Automation.Cmdlet]::CommonParameters
        foreach ($name in (Get-Module Saleschat.Mtls).ExportedCmdlets.Keys) {
            $h = Get-Help $name -Full
            $described = @{}
            foreach ($p in @($h.parameters.parameter)) {
                if ($p) { $described[[string]$p.name] = (@($p.description) | ForEach-Object { $_.Text }) -join "`n" }
            }
            @{
                Name = $name
                Synopsis = [string]$h.Synopsis
                Description = (@($h.description) | ForEach-Object { $_.Text }) -join "`n"
                Examples = @(@($h.examples.example) | Where-Object { $_ } | ForEach-Object { [string]$_.code })
                Described = $described
                Parameters = @((Get-Command $name).Parameters.Keys | Where-Object { $common -notcontains $_ })
            }
        }
        """;

    private readonly Engine _engine = fixture.Engine;

    private sealed record CmdletHelp(string Name, string Synopsis, string Description, string[] Examples, Dictionary<string, string> Described, string[] Parameters);

    private List<CmdletHelp> AllHelp() => _engine.RunOk(HelpScript).Select(o =>
    {
        var t = (Hashtable)o.BaseObject;
        var described = ((Hashtable)t["Described"]!).Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)(e.Value ?? string.Empty), StringComparer.OrdinalIgnoreCase);
        return new CmdletHelp((string)t["Name"]!, (string)t["Synopsis"]!, (string)(t["Description"] ?? string.Empty),
            ((object[])t["Examples"]!).Select(x => PSObject.AsPSObject(x).ToString()).ToArray(), described,
            ((object[])t["Parameters"]!).Select(x => PSObject.AsPSObject(x).ToString()).ToArray());
    }).ToList();

    [Fact]
    public void The_certificate_cmdlets_are_exported()
    {
        var names = AllHelp().Select(h => h.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "New-SaleschatClientKey", "New-SaleschatClientCertificate", "Get-SaleschatClientCertificate", "Export-SaleschatClientCertificate", "Test-SaleschatClientCertificate" }, names);
    }

    [Fact]
    public void Every_exported_cmdlet_has_a_synopsis_a_description_and_two_examples()
    {
        var problems = new List<string>();
        foreach (var h in AllHelp())
        {
            // Without MAML help, Get-Help makes a synopsis from the syntax: "Name [-Param] ...".
            if (string.IsNullOrWhiteSpace(h.Synopsis) || h.Synopsis.TrimStart().StartsWith(h.Name, StringComparison.OrdinalIgnoreCase)) problems.Add($"{h.Name}: no synopsis");
            if (h.Description.Trim().Length < 40) problems.Add($"{h.Name}: no description");
            if (h.Examples.Length < 2) problems.Add($"{h.Name}: {h.Examples.Length} example(s), fewer than 2");
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_parameter_of_every_exported_cmdlet_is_described()
    {
        var problems = new List<string>();
        foreach (var h in AllHelp())
        {
            string[] missing = h.Parameters.Where(p => !h.Described.TryGetValue(p, out string? d) || string.IsNullOrWhiteSpace(d)).ToArray();
            if (missing.Length > 0) problems.Add($"{h.Name}: no description for -{string.Join(", -", missing)}");

            // Help that documents a parameter the cmdlet does not have misleads as much as a missing one.
            string[] extra = h.Described.Keys.Where(d => !h.Parameters.Contains(d, StringComparer.OrdinalIgnoreCase)).ToArray();
            if (extra.Length > 0) problems.Add($"{h.Name}: help documents -{string.Join(", -", extra)}, which the cmdlet lacks");
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_example_parses()
    {
        var problems = new List<string>();
        foreach (var h in AllHelp())
        {
            foreach (string code in h.Examples)
            {
                Parser.ParseInput(code, out _, out ParseError[] errors);
                if (errors.Length > 0) problems.Add($"{h.Name}: {errors[0].Message}\n    {code.Replace("\n", "\n    ")}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Examples_use_only_parameters_the_cmdlets_have()
    {
        // A pasted example that names a parameter the cmdlet lacks fails at once: catch it here.
        var parameters = AllHelp().ToDictionary(h => h.Name, h => h.Parameters.Concat(System.Management.Automation.Cmdlet.CommonParameters).Concat(System.Management.Automation.Cmdlet.OptionalCommonParameters).ToArray(), StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var h in AllHelp())
        {
            foreach (string code in h.Examples)
            {
                var ast = Parser.ParseInput(code, out _, out _);
                foreach (CommandAst command in ast.FindAll(a => a is CommandAst, true).Cast<CommandAst>())
                {
                    string? name = command.GetCommandName();
                    if (name == null || !parameters.TryGetValue(name, out string[]? known)) continue;
                    foreach (CommandParameterAst p in command.CommandElements.OfType<CommandParameterAst>())
                    {
                        // PowerShell accepts any unambiguous prefix of a parameter name.
                        if (!known.Any(k => k.StartsWith(p.ParameterName, StringComparison.OrdinalIgnoreCase)))
                            problems.Add($"{h.Name} example: {name} has no -{p.ParameterName}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct()));
    }

    [Fact]
    public void The_about_topic_is_found()
    {
        var text = _engine.RunOk("Get-Help about_Saleschat_Mtls").Single().ToString();
        Assert.Contains("about_Saleschat_Mtls", text);
        Assert.Contains("SHORT DESCRIPTION", text);
        Assert.Contains("New-SaleschatClientCertificate", text);
    }
}
