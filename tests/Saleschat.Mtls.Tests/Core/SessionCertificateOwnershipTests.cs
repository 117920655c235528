using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Secrets;
using Saleschat.Mtls.Sessions;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// A certificate New-SaleschatSession loads (files, PEM, store) belongs to the session: disposed when the session is
/// closed (Remove-Module, Import-Module -Force, Dispose), when the create fails, and at process exit for sessions still
/// open (a replaced default session someone still holds). On Windows each undisposed PFX import leaves its key file under
/// %APPDATA%\Microsoft\Crypto; on Linux a disposed certificate's Handle is IntPtr.Zero, which is what is checked here.
/// A certificate the caller passed in stays the caller's.
/// </summary>
public sealed class SessionCertificateOwnershipTests
{
    private static X509Certificate2 NewCertificate()
    {
        using RSA rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=ownership-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static SessionSettings Settings(X509Certificate2 certificate, string? apiKey = "key-1") => new()
    {
        BaseUri = new Uri("https://127.0.0.1:9/"),
        OrgId = "org-1",
        Certificate = certificate,
        ApiKey = apiKey == null ? null : SecretText.FromPlainText(apiKey),
    };

    [Fact]
    public void Closing_a_session_disposes_the_certificate_it_loaded_and_still_names_it()
    {
        X509Certificate2 loaded = NewCertificate();
        string thumbprint = loaded.Thumbprint;
        SaleschatSession session = SaleschatSession.Create(Settings(loaded), ownsCertificate: true);
        Assert.NotEqual(IntPtr.Zero, loaded.Handle);

        session.Dispose();

        Assert.Equal(IntPtr.Zero, loaded.Handle);
        Assert.Equal(thumbprint, session.Thumbprint);           // the view and messages still work
        Assert.Contains(thumbprint, session.ToString());
        Assert.Contains(thumbprint, session.ClosedError().Message);
        Assert.Equal("CN=ownership-test", session.Subject);
        Assert.InRange(session.DaysUntilExpiry, 28, 30);
    }

    [Fact]
    public void A_certificate_the_caller_passed_in_is_left_alone()
    {
        using X509Certificate2 mine = NewCertificate();
        SaleschatSession session = SaleschatSession.Create(Settings(mine));
        session.Dispose();
        Assert.NotEqual(IntPtr.Zero, mine.Handle);
        Assert.True(mine.HasPrivateKey);
    }

    [Fact]
    public void A_create_that_fails_disposes_what_it_loaded_but_not_the_callers()
    {
        X509Certificate2 loaded = NewCertificate();
        var ex = Assert.Throws<SaleschatException>(() => SaleschatSession.Create(Settings(loaded, apiKey: "bad\nkey"), ownsCertificate: true));
        Assert.Equal(ErrorIds.InvalidApiKey, ex.ErrorId);
        Assert.Equal(IntPtr.Zero, loaded.Handle);

        using X509Certificate2 mine = NewCertificate();
        Assert.Throws<SaleschatException>(() => SaleschatSession.Create(Settings(mine, apiKey: "bad\nkey")));
        Assert.NotEqual(IntPtr.Zero, mine.Handle);
    }

    [Fact]
    public void A_replaced_certificate_is_disposed_when_its_pool_retires()
    {
        X509Certificate2 first = NewCertificate();
        X509Certificate2 second = NewCertificate();
        using SaleschatSession session = SaleschatSession.Create(Settings(first), ownsCertificate: true);
        session.SwitchCertificate(second);
        Assert.Equal(IntPtr.Zero, first.Handle);   // no call was in flight: retired and released at once
        Assert.NotEqual(IntPtr.Zero, second.Handle);
        Assert.Equal(second.Thumbprint, session.Thumbprint);
    }

    [Fact]
    public void At_process_exit_the_certificates_of_sessions_still_open_are_disposed()
    {
        // A replaced default session may still be held in a variable, so it is not closed when replaced; what it
        // loaded is released at exit instead (ProcessExit runs OwnedCertificates.ReleaseAll).
        X509Certificate2 loaded = NewCertificate();
        using X509Certificate2 mine = NewCertificate();
        SaleschatSession owned = SaleschatSession.Create(Settings(loaded), ownsCertificate: true);
        SaleschatSession borrowed = SaleschatSession.Create(Settings(mine));

        Assert.True(OwnedCertificates.ReleaseAll() >= 1);

        Assert.Equal(IntPtr.Zero, loaded.Handle);
        Assert.NotEqual(IntPtr.Zero, mine.Handle);
        owned.Dispose();       // disposing again after exit's release is harmless
        borrowed.Dispose();
    }
}
