using Saleschat.Mtls.Tests.Infrastructure;
using Xunit;

namespace Saleschat.Mtls.Tests.Sessions;

/// <summary>Calls ask for HTTP/2 (many requests on one connection) and fall back to HTTP/1.1 where the edge has no h2.</summary>
public sealed class HttpVersionTests(EmulatorFixture h2, Http1EmulatorFixture http1)
    : IClassFixture<EmulatorFixture>, IClassFixture<Http1EmulatorFixture>
{
    [Fact]
    public void Calls_negotiate_HTTP_2_where_the_server_offers_it()
    {
        h2.NewSession();
        var answer = h2.Engine.RunOk("Invoke-SaleschatMtlsRequest '/__faults/text'").Single();

        Assert.Equal("plain text body", answer.BaseObject);
        Assert.Equal("HTTP/2", h2.Emulator.LastProtocol);
    }

    [Fact]
    public void Calls_fall_back_to_HTTP_1_1_where_the_server_offers_only_that()
    {
        http1.NewSession();
        var answer = http1.Engine.RunOk("Invoke-SaleschatMtlsRequest '/__faults/text'").Single();
        Assert.Equal("plain text body", answer.BaseObject);
        Assert.Equal("HTTP/1.1", http1.Emulator.LastProtocol);

        var test = http1.Engine.RunOk("Test-SaleschatMtls").Single();
        Assert.True((bool)test.Properties["Success"].Value, test.ToString());
        Assert.Equal("HTTP/1.1", test.Properties["HttpVersion"].Value);
    }

    [Fact]
    public void Over_HTTP_1_1_sequential_calls_still_reuse_one_connection()
    {
        http1.NewSession();
        http1.Engine.RunOk("Invoke-SaleschatMtlsRequest '/__faults/text' | Out-Null"); // the pool's connection exists
        long before = http1.Emulator.TlsConnections;

        var count = http1.Engine.RunOk("$n = 0; foreach ($i in 1..50) { if ((Invoke-SaleschatMtlsRequest '/__faults/text') -eq 'plain text body') { $n++ } }; $n").Single();

        Assert.Equal(50, (int)count.BaseObject);
        Assert.Equal(0, http1.Emulator.TlsConnections - before); // keep-alive, not a handshake per call
    }
}
