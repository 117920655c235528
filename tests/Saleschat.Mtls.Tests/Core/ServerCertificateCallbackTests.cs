using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Http.Transport;
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

    // What the server presents: a certificate for serverAuth (the validator refuses a client-only one whatever the verdict).
    private static readonly X509Certificate2 Server = ServerCertificate();

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
        Assert.Equal(errors == SslPolicyErrors.None, transport.ServerCertificateCallback(null!, Server, null!, errors));
    }

    [Theory]
    [MemberData(nameof(AllErrors))]
    public void The_validator_without_an_extra_CA_is_the_platform_verdict(SslPolicyErrors errors)
    {
        Assert.Equal(errors == SslPolicyErrors.None, new ServerCertificateValidator(null).Validate(null!, Server, null!, errors));
    }

    private static X509Certificate2 ServerCertificate()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new CertificateRequest("CN=mtls.apis.t.saleschat.pro", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new System.Security.Cryptography.OidCollection { new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1") }, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
