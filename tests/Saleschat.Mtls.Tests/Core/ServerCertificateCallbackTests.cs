using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Http;
using Saleschat.Mtls.Keys;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// The transport always brings its own server-certificate callback, so on .NET Framework the process-wide
/// ServicePointManager.ServerCertificateValidationCallback (often { $true } in 5.1 scripts) never decides; with no
/// extra CA it returns exactly the platform's verdict.
/// </summary>
public sealed class ServerCertificateCallbackTests
{
    private static readonly X509Certificate2 Client = Pkcs12Bridge.ToX509Certificate2(
        ClientCertificateBuilder.Build(RsaKeyGenerator.Generate(2048), CertificateSubject.Parse("/O=Acme/CN=Acme-saleschat-mtls"), 365, DateTime.UtcNow),
        RsaKeyGenerator.Generate(2048));

    public static TheoryData<SslPolicyErrors> AllErrors => new()
    {
        SslPolicyErrors.None,
        SslPolicyErrors.RemoteCertificateChainErrors,
        SslPolicyErrors.RemoteCertificateNameMismatch,
        SslPolicyErrors.RemoteCertificateNotAvailable,
        SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch,
    };

    [Theory]
    [MemberData(nameof(AllErrors))]
    public void Without_an_extra_CA_the_callback_is_set_and_accepts_only_a_clean_verdict(SslPolicyErrors errors)
    {
        using var transport = new MtlsTransport(new Uri("https://mtls.apis.t.saleschat.pro/"), Client, serverAuthority: null);

        Assert.NotNull(transport.ServerCertificateCallback);
        Assert.Equal(errors == SslPolicyErrors.None, transport.ServerCertificateCallback(null!, Client, null!, errors));
    }

    [Theory]
    [MemberData(nameof(AllErrors))]
    public void The_validator_without_an_extra_CA_is_the_platform_verdict(SslPolicyErrors errors)
    {
        Assert.Equal(errors == SslPolicyErrors.None, new ServerCertificateValidator(null).Validate(null!, Client, null!, errors));
    }
}
