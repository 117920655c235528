using System.Management.Automation;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Sessions;

/// <summary>
/// CI pipelines (GitHub Actions, Azure DevOps) hand secrets over as environment variables and nobody can answer a
/// prompt: New-SaleschatSession must find everything there, and say clearly what is missing when it cannot.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class EnvironmentVariableSessionTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string Cmdlet = "Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand";

    [Fact]
    public void A_pipeline_with_secrets_in_environment_variables_needs_no_parameters_for_them()
    {
        string keyPem = File.ReadAllText(fixture.KeyPath);
        using var scope = new EnvironmentScope(
            ("SALESCHAT_API_KEY", EmulatorFixture.ApiKey),
            ("SALESCHAT_ORG_ID", "org-1"),
            ("SALESCHAT_CLIENT_CERT", File.ReadAllText(fixture.CertificatePath)),
            ("SALESCHAT_CLIENT_KEY", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(keyPem)))); // one line, as secret stores like it

        var result = fixture.Engine.Run(
            "$s = New-SaleschatSession -BaseUri $uri -ServerCertificateAuthority $ca -NoDefault -Verbose; $s | Out-Default; " +
            "Test-SaleschatMtls -Session $s -Verbose; " +
            "Invoke-SaleschatMtlsRequest -Session $s -Method Post '/v2/org/{orgId}/contact' -Body @{ name = 'CI'; phone = $p } -Verbose",
            ("uri", fixture.Emulator.BaseUri), ("ca", fixture.Emulator.CaCertificate), ("p", "+91" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)));

        Assert.Empty(result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}"));
        Assert.Equal(2, result.Output.Count);
        Assert.True((bool)result.Output[0].Properties["Success"].Value, result.Output[0].ToString());
        Assert.Equal(fixture.Session.Properties["Thumbprint"].Value, result.Output[0].Properties["Thumbprint"].Value);
        Assert.Equal("org-1", result.Output[1].Properties["orgId"].Value); // org from SALESCHAT_ORG_ID, key accepted
        string visible = fixture.Engine.EverythingVisible(result);
        Assert.DoesNotContain(EmulatorFixture.ApiKey, visible);
        Assert.False(TestSecrets.ContainsKeyMaterial(visible, keyPem));
    }

    [Fact]
    public void Without_a_certificate_anywhere_the_error_lists_every_way_to_give_one()
    {
        using var scope = new EnvironmentScope(
            ("SALESCHAT_API_KEY", null), ("SALESCHAT_ORG_ID", null), ("SALESCHAT_CLIENT_CERT", null), ("SALESCHAT_CLIENT_KEY", null));

        var result = fixture.Engine.Run("New-SaleschatSession -BaseUri $uri -NoDefault", ("uri", fixture.Emulator.BaseUri));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"ClientCertificateRequired,{Cmdlet}", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("SALESCHAT_CLIENT_CERT", error.Exception.Message);
        Assert.Contains("-CertificatePath", error.Exception.Message);
        Assert.Empty(result.Output);
    }
}
