using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Keys;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// The two Windows key failures that get their own advice: a store key this account may not open (found when the
/// session is made, not in the handshake) and an import without a loaded user profile.
/// </summary>
public sealed class WindowsKeyFailureTests
{
    private static X509Certificate2 NewCertificate()
    {
        var key = RsaKeyGenerator.Generate(2048);
        var built = ClientCertificateBuilder.Build(key, CertificateSubject.Parse("/O=Acme/CN=Acme-saleschat-mtls"), 365, DateTime.UtcNow);
        return Pkcs12Bridge.ToX509Certificate2(built, key);
    }

    [Fact]
    public void A_key_that_opens_passes_the_check()
    {
        using X509Certificate2 certificate = NewCertificate();
        ClientKeyCheck.RequireUsable(certificate);
    }

    [Fact]
    public void A_key_the_account_may_not_open_says_what_to_do()
    {
        using X509Certificate2 certificate = NewCertificate();

        var ex = Assert.Throws<SaleschatException>(() => ClientKeyCheck.RequireUsable(certificate,
            _ => throw new CryptographicException(unchecked((int)0x80090016)))); // NTE_BAD_KEYSET: "Keyset does not exist"

        Assert.Equal(ErrorIds.ClientKeyUnusable, ex.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
        Assert.Contains("Manage Private Keys", ex.Message);
        Assert.Contains("CurrentUser", ex.Message);
        Assert.Same(certificate, ex.Target);
    }

    [Theory]
    [InlineData(unchecked((int)0x80070002), true)]  // the file (key container) cannot be found: no profile
    [InlineData(unchecked((int)0x80070005), true)]  // access denied: remoting (dotnet/corefx#14745)
    [InlineData(unchecked((int)0x80090016), true)]
    [InlineData(unchecked((int)0x80070056), false)] // ERROR_INVALID_PASSWORD: a wrong password stays a wrong password
    [InlineData(unchecked((int)0x80092009), false)] // CRYPT_E_NO_MATCH
    public void Only_key_store_codes_on_Windows_read_as_a_missing_profile(int code, bool expected)
    {
        var ex = new CryptographicException(code);
        Assert.Equal(expected, KeyStoreFailure.IsKeyStoreUnavailable(ex, onWindows: true));
        Assert.False(KeyStoreFailure.IsKeyStoreUnavailable(ex, onWindows: false));
    }

    [Fact]
    public void The_missing_profile_error_says_what_to_do()
    {
        SaleschatException error = KeyStoreFailure.Error(new CryptographicException(unchecked((int)0x80070002)));
        Assert.Equal(ErrorIds.KeyStoreUnavailable, error.ErrorId);
        Assert.Contains("user profile", error.Message);
        Assert.Contains("-CertificateThumbprint", error.Message);
    }
}
