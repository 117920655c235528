using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using Saleschat.Mtls.Http.Transport;
using Saleschat.Mtls.Http;
using Xunit;

namespace Saleschat.Mtls.Tests.Http;

public sealed class ServerCertificateValidatorTests
{
    [Theory]
    [InlineData(new[] { "1.3.6.1.5.5.7.3.1" }, true)]
    [InlineData(new[] { "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1" }, true)]
    [InlineData(null, true)]
    [InlineData(new[] { "1.3.6.1.5.5.7.3.2" }, false)]
    [InlineData(new[] { "2.5.29.37.0" }, false)] // anyExtendedKeyUsage: OpenSSL's SSL-server purpose refuses it too
    public void A_server_certificate_needs_serverAuth_or_no_usage_at_all(string[]? usages, bool expected)
    {
        using X509Certificate2 certificate = SelfSigned(usages);

        Assert.Equal(expected, ServerCertificateValidator.IsForServerAuth(certificate));
    }

    [Fact]
    public void Without_an_extra_CA_only_the_platform_verdict_counts()
    {
        var validator = new ServerCertificateValidator(null);
        using X509Certificate2 certificate = SelfSigned(new[] { "1.3.6.1.5.5.7.3.1" });

        Assert.True(validator.Validate(null!, certificate, null!, SslPolicyErrors.None));
        Assert.False(validator.Validate(null!, certificate, null!, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_clientAuth_only_certificate_is_refused_even_when_the_platform_accepts_the_chain()
    {
        var validator = new ServerCertificateValidator(null);
        using X509Certificate2 certificate = SelfSigned(new[] { "1.3.6.1.5.5.7.3.2" });

        Assert.False(validator.Validate(null!, certificate, null!, SslPolicyErrors.None));
    }

    private static X509Certificate2 SelfSigned(string[]? usages)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=server", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (usages != null)
        {
            var oids = new OidCollection();
            foreach (string usage in usages)
            {
                oids.Add(new Oid(usage));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }

        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
