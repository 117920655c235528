using System.Management.Automation;
using Saleschat.Mtls.Host;
using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Sessions;

public sealed class InvokeSaleschatMtlsRequestTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string Cmdlet = "Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand";
    private readonly Engine _engine = fixture.Engine;

    private static string Key() => Guid.NewGuid().ToString("N");

    private ScriptResult Run(string script, params (string, object?)[] variables)
    {
        fixture.NewSession();
        return _engine.Run(script, variables);
    }

    [Fact]
    public void Creates_and_reads_a_contact_with_org_from_the_session()
    {
        var created = _engine.RunOk("$s = $null; Invoke-SaleschatMtlsRequest -Method Post -Path '/v2/org/{orgId}/contact' -Body @{ name = 'Asha'; phone = $p; tags = @('vip', 'mumbai') }",
            ("p", "+91" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999))).Single();
        Assert.Equal("org-1", created.Properties["orgId"].Value);
        Assert.Equal("Asha", created.Properties["name"].Value);
        string id = (string)created.Properties["id"].Value;

        var read = _engine.RunOk("Invoke-SaleschatMtlsRequest \"/v1/orgs/{orgId}/contact/$id\"", ("id", id)).Single();
        Assert.Equal(id, read.Properties["id"].Value);
    }

    [Fact]
    public void A_duplicate_is_an_error_record_with_status_and_saleschat_code()
    {
        string phone = "+91" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);
        _engine.RunOk("Invoke-SaleschatMtlsRequest -Method Post '/v2/org/{orgId}/contact' -Body @{ phone = $p } | Out-Null", ("p", phone));

        var result = Run("Invoke-SaleschatMtlsRequest -Method Post '/v2/org/{orgId}/contact' -Body @{ phone = $p }", ("p", phone));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"SaleschatApiError,{Cmdlet}", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        dynamic exception = error.Exception;
        Assert.Equal(409, (int)exception.StatusCode);
        Assert.Equal(4090001L, (long?)exception.SaleschatCode);
        Assert.Equal("UQ_CONSTRAINT_FAILED", (string)exception.SaleschatMessage);
        Assert.Contains("POST", error.Exception.Message);
        Assert.Contains("4090001", error.ErrorDetails.Message);
        Assert.EndsWith("/v2/org/org-1/contact", error.TargetObject.ToString());
    }

    [Theory]
    [InlineData("/v1/orgs/{orgId}/contact/does-not-exist", 404, ErrorCategory.ObjectNotFound, 4040001)]
    [InlineData("/v1/orgs/org-other/contact/x", 403, ErrorCategory.PermissionDenied, 4030001)]
    public void Each_error_status_maps_to_its_category(string path, int status, ErrorCategory category, long code)
    {
        var error = Assert.Single(Run($"Invoke-SaleschatMtlsRequest '{path}'").Errors);
        Assert.Equal(category, error.CategoryInfo.Category);
        Assert.Equal(status, (int)((dynamic)error.Exception).StatusCode);
        Assert.Equal(code, (long?)((dynamic)error.Exception).SaleschatCode);
    }

    [Fact]
    public void A_wrong_api_key_is_401_and_the_key_is_never_shown()
    {
        var result = _engine.Run(
            "$s = New-SaleschatSession -BaseUri $uri -OrgId org-1 -ApiKey $bad -CertificatePath $c -KeyPath $k -ServerCertificateAuthority $ca -NoDefault -Verbose; " +
            "$s | Out-Default; \"$s\"; Invoke-SaleschatMtlsRequest -Session $s '/v2/org/{orgId}/contact' -Verbose -Debug",
            ("uri", fixture.Emulator.BaseUri), ("bad", TestSecrets.Secure("sk_wrong_Qm4Jx9Lp2Vb7Nc5Hd8")), ("c", fixture.CertificatePath),
            ("k", fixture.KeyPath), ("ca", fixture.Emulator.CaCertificate));
        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.SecurityError, error.CategoryInfo.Category);
        Assert.Equal(4010001L, (long?)((dynamic)error.Exception).SaleschatCode);
        string visible = _engine.EverythingVisible(result);
        Assert.DoesNotContain("sk_wrong_Qm4Jx9Lp2Vb7Nc5Hd8", visible);
        Assert.DoesNotContain(EmulatorFixture.ApiKey, visible);
        Assert.Contains("HasApiKey", visible);
    }

    [Fact]
    public void The_api_key_never_appears_in_any_stream()
    {
        var result = Run(
            "$e = Invoke-SaleschatMtlsRequest -Method Post '/__faults/echo' -Body @{ a = 1 } -Headers @{ 'X-Trace' = 'abc' } -Verbose -Debug; $e | Out-Default; $e.headers.psobject.Properties | ForEach-Object { $_.Name + ': ' + $_.Value }; " +
            "Invoke-SaleschatMtlsRequest '/__faults/status/500?times=5' -MaximumRetryCount 1 -Verbose; $global:Error | ForEach-Object { $_.ToString(); $_.Exception.ToString() }; Test-SaleschatMtls -Verbose | Out-Default; $s = New-SaleschatSession -BaseUri $uri -OrgId org-1 -ApiKey $key -CertificatePath $c -KeyPath $k -ServerCertificateAuthority $ca -Verbose; $s | Out-Default; $s.psobject.Properties | ForEach-Object { $_.Name + '=' + $_.Value }",
            ("uri", fixture.Emulator.BaseUri), ("key", TestSecrets.Secure(EmulatorFixture.ApiKey)), ("c", fixture.CertificatePath),
            ("k", fixture.KeyPath), ("ca", fixture.Emulator.CaCertificate));
        Assert.NotEmpty(result.Verbose);
        string visible = _engine.EverythingVisible(result);
        Assert.DoesNotContain(EmulatorFixture.ApiKey, visible);
        Assert.False(TestSecrets.ContainsKeyMaterial(visible, File.ReadAllText(fixture.KeyPath)));
        Assert.Contains("[redacted]", visible); // the echo saw an Authorization header, and showed no value
    }

    [Fact]
    public void Bodies_of_any_depth_become_json_and_json_answers_become_objects()
    {
        var echo = _engine.RunOk(
            "$deep = @{ level = 0 }; $cur = $deep; foreach ($i in 1..12) { $next = @{ level = $i }; $cur.child = $next; $cur = $next }; " +
            "Invoke-SaleschatMtlsRequest -Method Put '/__faults/echo' -Body ([pscustomobject]@{ deep = $deep; list = @(1, 'two', $true, $null); when = [datetime]'2026-01-02T03:04:05Z' }) " +
            "-Query @{ q = 'a b&c'; tag = @('x', 'y') }").Single();
        Assert.Equal("PUT", echo.Properties["method"].Value);
        dynamic body = echo.Properties["body"].Value;
        dynamic node = body.deep;
        for (int i = 0; i < 12; i++) node = ((PSObject)node).Properties["child"].Value;
        Assert.Equal(12L, (long)((PSObject)node).Properties["level"].Value);
        object[] list = (object[])((PSObject)body).Properties["list"].Value;
        Assert.Equal(new object?[] { 1L, "two", true, null }, list);
        var query = (PSObject)echo.Properties["query"].Value;
        Assert.Equal("a b&c", query.Properties["q"].Value?.ToString());
        Assert.Contains("application/json", (string)echo.Properties["contentType"].Value);
    }

    [Fact]
    public void Strings_go_as_they_are_and_text_answers_stay_text()
    {
        var echo = _engine.RunOk("Invoke-SaleschatMtlsRequest -Method Post '/__faults/echo' -Body '{\"raw\":true}'").Single();
        Assert.Equal(true, ((PSObject)echo.Properties["body"].Value).Properties["raw"].Value);
        Assert.Equal("plain text body", _engine.RunOk("Invoke-SaleschatMtlsRequest '/__faults/text'").Single().BaseObject);
    }

    [Fact]
    public void A_503_is_retried_until_it_succeeds()
    {
        string key = Key();
        var result = _engine.RunOk($"Invoke-SaleschatMtlsRequest '/__faults/status/503?times=2&key={key}' -MaximumRetryCount 3 -RetryIntervalSec 0").Single();
        Assert.Equal(3L, result.Properties["attempts"].Value);
        Assert.Equal(3, fixture.Emulator.Attempts(key));
    }

    [Fact]
    public void A_429_waits_for_Retry_After_even_for_POST()
    {
        string key = Key();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = Run($"Invoke-SaleschatMtlsRequest -Method Post '/__faults/status/429?times=1&retryAfter=1&key={key}' -Body @{{ x = 1 }} -Verbose");
        watch.Stop();
        Assert.Empty(result.Errors);
        Assert.Equal(2, fixture.Emulator.Attempts(key));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.95), $"waited only {watch.Elapsed}");
        Assert.Contains(result.Verbose, v => v.Contains("Retrying") && v.Contains("429"));
    }

    [Fact]
    public void A_500_is_not_retried_for_POST_but_is_for_GET()
    {
        string post = Key(), get = Key();
        var failed = Run($"Invoke-SaleschatMtlsRequest -Method Post '/__faults/status/500?times=1&key={post}' -Body @{{ x = 1 }} -MaximumRetryCount 3");
        Assert.Equal(1, fixture.Emulator.Attempts(post));
        Assert.Equal(ErrorCategory.ResourceUnavailable, Assert.Single(failed.Errors).CategoryInfo.Category);

        _engine.RunOk($"Invoke-SaleschatMtlsRequest '/__faults/status/500?times=2&key={get}' -MaximumRetryCount 3");
        Assert.Equal(3, fixture.Emulator.Attempts(get));
    }

    [Fact]
    public void Retries_stop_at_the_maximum()
    {
        string key = Key();
        var result = Run($"Invoke-SaleschatMtlsRequest '/__faults/status/502?times=10&key={key}' -MaximumRetryCount 2");
        Assert.Single(result.Errors);
        Assert.Equal(3, fixture.Emulator.Attempts(key));
    }

    [Fact]
    public void A_connection_dropped_mid_body_is_retried_only_for_idempotent_methods()
    {
        string get = Key(), post = Key();
        _engine.RunOk($"Invoke-SaleschatMtlsRequest '/__faults/drop?times=1&key={get}' -MaximumRetryCount 2");
        Assert.Equal(2, fixture.Emulator.Attempts(get));

        var result = Run($"Invoke-SaleschatMtlsRequest -Method Post '/__faults/drop?times=1&key={post}' -Body @{{ x = 1 }} -MaximumRetryCount 2");
        var error = Assert.Single(result.Errors);
        Assert.Equal($"ConnectionClosed,{Cmdlet}", error.FullyQualifiedErrorId);
        Assert.Equal(1, fixture.Emulator.Attempts(post));
    }

    [Fact]
    public void Each_attempt_is_bounded_by_TimeoutSec()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = Run("Invoke-SaleschatMtlsRequest '/__faults/slow?ms=5000' -TimeoutSec 1 -MaximumRetryCount 0");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), watch.Elapsed.ToString());
        var error = Assert.Single(result.Errors);
        Assert.Equal($"RequestTimedOut,{Cmdlet}", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
    }

    [Fact]
    public void OutFile_streams_a_64_MiB_body_to_disk()
    {
        using var dir = new TempFolder();
        string file = dir.File("export.bin");
        const int size = 64 * 1024 * 1024;
        var output = _engine.RunOk($"Invoke-SaleschatMtlsRequest '/__faults/large?bytes={size}' -OutFile $f", ("f", file));
        Assert.Empty(output);
        Assert.Equal(new[] { "export.bin" }, dir.Names());
        using var stream = File.OpenRead(file);
        Assert.Equal(size, stream.Length);
        foreach (long offset in new long[] { 0, 250, 251, 1_000_003, size - 1 })
        {
            stream.Position = offset;
            Assert.Equal((byte)(offset % 251), (byte)stream.ReadByte());
        }
    }

    [Fact]
    public void OutFile_into_a_missing_folder_fails_before_any_request()
    {
        fixture.NewSession();
        long before = fixture.Emulator.Requests;
        var result = _engine.Run("Invoke-SaleschatMtlsRequest '/__faults/text' -OutFile $f", ("f", Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "out.txt")));
        var error = Assert.Single(result.Errors);
        Assert.Equal($"DirectoryNotFound,{Cmdlet}", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(before, fixture.Emulator.Requests);
    }

    [Fact]
    public void A_thousand_sequential_calls_use_one_TLS_connection()
    {
        fixture.NewSession();
        _engine.RunOk("Invoke-SaleschatMtlsRequest '/__faults/text' | Out-Null"); // warm: the pool's connection exists
        long before = fixture.Emulator.TlsConnections;
        var output = _engine.RunOk("$n = 0; foreach ($i in 1..1000) { if ((Invoke-SaleschatMtlsRequest '/__faults/text') -eq 'plain text body') { $n++ } }; $n");
        Assert.Equal(1000, (int)output.Single().BaseObject);
        Assert.Equal(0, fixture.Emulator.TlsConnections - before);
    }

    [Fact]
    public void Piped_objects_are_sent_one_request_each_over_the_same_pool()
    {
        fixture.NewSession();
        long before = fixture.Emulator.TlsConnections;
        string prefix = "+44" + Random.Shared.Next(10_000, 99_999);
        var created = _engine.RunOk($"1..25 | ForEach-Object {{ [pscustomobject]@{{ name = \"c$_\"; phone = '{prefix}' + $_ }} }} | Invoke-SaleschatMtlsRequest -Method Post '/v2/org/{{orgId}}/contact'");
        Assert.Equal(25, created.Count);
        Assert.Equal(25, created.Select(c => c.Properties["id"].Value).Distinct().Count());
        Assert.True(fixture.Emulator.TlsConnections - before <= 1);
    }

    [Fact]
    public void An_absolute_url_to_another_host_is_refused_so_the_key_cannot_leak()
    {
        var error = Assert.Single(Run("Invoke-SaleschatMtlsRequest 'https://example.com/steal'").Errors);
        Assert.Equal($"ForeignHostRefused,{Cmdlet}", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void Without_a_session_the_error_says_what_to_do()
    {
        using var engine = new Engine();
        var error = Assert.Single(engine.Run("Invoke-SaleschatMtlsRequest '/v2/org/{orgId}/contact'").Errors);
        Assert.Equal($"NoSaleschatSession,{Cmdlet}", error.FullyQualifiedErrorId);
        Assert.Contains("New-SaleschatSession", error.Exception.Message);
    }

    [Fact]
    public void StopProcessing_cancels_the_call_in_flight_at_once()
    {
        fixture.NewSession();
        using var ps = PowerShell.Create();
        ps.Runspace = _engine.Runner.Runspace;
        ps.AddScript("Invoke-SaleschatMtlsRequest '/__faults/slow?ms=20000' -TimeoutSec 60");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        IAsyncResult pending = ps.BeginInvoke();
        Thread.Sleep(500);
        ps.Stop();
        Assert.True(pending.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }
}
