# A proxy that answers every connection with fixed bytes (its answer to CONNECT) and closes: what a broken or hostile
# proxy can send, which no real proxy's configuration produces.
Set-StrictMode -Version 3.0

$script:AnsweringProxyType = $null

<#
.SYNOPSIS
    A TCP listener on 127.0.0.1 that reads the request on each connection, answers with -Answer (ISO-8859-1 bytes)
    and closes. Connections counts them. Dispose() stops it.
#>
function Start-TestAnsweringProxy {
    param([Parameter(Mandatory)] [string] $Answer)
    if (-not $script:AnsweringProxyType) {
        $script:AnsweringProxyType = Add-Type -PassThru -TypeDefinition @'
using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

public sealed class SaleschatAnsweringProxy : IDisposable
{
    private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
    private readonly byte[] _answer;
    public int Connections;
    public int Port { get { return ((IPEndPoint)_listener.LocalEndpoint).Port; } }

    public SaleschatAnsweringProxy(string answer) { _answer = Encoding.Latin1.GetBytes(answer); _listener.Start(); Task.Run(AcceptLoop); }

    private async Task AcceptLoop()
    {
        while (true)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(); } catch { return; }
            System.Threading.Interlocked.Increment(ref Connections);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var buffer = new byte[16384];
                    var read = stream.ReadAsync(buffer, 0, buffer.Length);
                    if (await Task.WhenAny(read, Task.Delay(3000)) == read && read.Result > 0)
                    {
                        try { await stream.WriteAsync(_answer, 0, _answer.Length); } catch { }
                    }
                }
            });
        }
    }

    public void Dispose() { _listener.Stop(); }
}
'@ | Where-Object Name -eq 'SaleschatAnsweringProxy'
    }
    [SaleschatAnsweringProxy]::new($Answer)
}

Export-ModuleMember -Function Start-TestAnsweringProxy
