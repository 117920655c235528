using Microsoft.AspNetCore.Server.Kestrel.Core;
using Saleschat.Emulator;

namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>An emulator behind an edge that offers no HTTP/2 (ALPN http/1.1 only), as many proxies and load balancers do.</summary>
public sealed class Http1EmulatorFixture : EmulatorFixture
{
    protected override EmulatorOptions Options() => new() { ApiKey = ApiKey, Protocols = HttpProtocols.Http1 };
}
