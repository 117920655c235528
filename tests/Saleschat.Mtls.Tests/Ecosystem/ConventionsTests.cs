using System.Management.Automation;
using System.Xml.Linq;
using Saleschat.Mtls.Host;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Ecosystem;

/// <summary>PowerShell's conventions, checked over every exported cmdlet as the engine sees them.</summary>
public sealed class ConventionsTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private static readonly string[] Writers =
    {
        "New-SaleschatClientKey", "New-SaleschatClientCertificate", "Export-SaleschatClientCertificate",
        "Start-SaleschatCertificateRotation", "Complete-SaleschatCertificateRotation",
    };

    private IReadOnlyList<CmdletInfo> Cmdlets() =>
        fixture.Engine.RunOk("Get-Command -Module Saleschat.Mtls").Select(o => (CmdletInfo)o.BaseObject).ToList();

    [Fact]
    public void Every_verb_is_approved()
    {
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsData), typeof(VerbsLifecycle), typeof(VerbsDiagnostic), typeof(VerbsCommunications), typeof(VerbsSecurity), typeof(VerbsOther) }
            .SelectMany(t => t.GetFields()).Select(f => (string)f.GetValue(null)!).ToHashSet();
        Assert.Equal(10, Cmdlets().Count);
        Assert.All(Cmdlets(), c => Assert.Contains(c.Verb, approved));
    }

    [Fact]
    public void Every_cmdlet_declares_what_it_outputs_and_every_output_type_has_a_view()
    {
        var viewed = XDocument.Load(Path.Combine(Path.GetDirectoryName(ModuleLocator.ManifestPath())!, "Saleschat.Mtls.format.ps1xml"))
            .Descendants("TypeName").Select(e => e.Value).ToHashSet();
        foreach (CmdletInfo cmdlet in Cmdlets())
        {
            Assert.NotEmpty(cmdlet.OutputType);
            foreach (var type in cmdlet.OutputType.Select(t => t.Type).Where(t => t?.Namespace?.StartsWith("Saleschat.Mtls") == true))
            {
                Assert.Contains(type!.FullName!, viewed);
            }
        }

        // Certificates are tagged with their own view, so the default X509 view elsewhere is untouched.
        Assert.Contains("Saleschat.Mtls.ClientCertificate", viewed);
        Assert.Contains("Saleschat.Mtls.CertificateCheck", viewed);
    }

    [Fact]
    public void Every_cmdlet_that_writes_a_file_supports_WhatIf_and_Confirm_and_no_other_does()
    {
        foreach (CmdletInfo cmdlet in Cmdlets())
        {
            bool writes = Writers.Contains(cmdlet.Name);
            Assert.True(writes == cmdlet.Parameters.ContainsKey("WhatIf"), cmdlet.Name);
            Assert.True(writes == cmdlet.Parameters.ContainsKey("Confirm"), cmdlet.Name);
        }
    }

    [Fact]
    public void Certificates_chain_between_cmdlets_by_pipeline_and_accept_the_usual_aliases()
    {
        foreach (string name in new[] { "Export-SaleschatClientCertificate", "Test-SaleschatClientCertificate", "New-SaleschatSession" })
        {
            var certificate = Cmdlets().Single(c => c.Name == name).Parameters["Certificate"];
            Assert.Contains("Cert", certificate.Aliases);
            Assert.Contains(certificate.ParameterSets.Values, s => s.ValueFromPipeline);
        }

        Assert.Contains("Thumbprint", Cmdlets().Single(c => c.Name == "New-SaleschatSession").Parameters["CertificateThumbprint"].Aliases);
        Assert.Contains("FullName", Cmdlets().Single(c => c.Name == "Get-SaleschatClientCertificate").Parameters["Path"].Aliases);
    }
}
