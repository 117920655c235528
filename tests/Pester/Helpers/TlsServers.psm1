# Servers a test talks to instead of Saleschat: an in-process listener (a capture server, a proxy answering fixed bytes,
# a server closing every connection) and openssl s_server as a foreign mTLS host (started by ServerProcess.psm1).
Set-StrictMode -Version 3.0

Import-Module ([IO.Path]::Combine($PSScriptRoot, 'HelpersCommon.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'ServerProcess.psm1'))

$script:CaptureServerType = $null

<#
.SYNOPSIS
    A TCP listener on 127.0.0.1 (port 0: the system picks a free one) that counts every connection (Connections,
    counted before anything else happens on it) and records the first bytes sent on it (Received, AllText()), then
    answers -Answer (ISO-8859-1 bytes; a plain HTTP 200 "Hello, world!" by default) and closes. Proves whether
    anything (a request, a TLS ClientHello, an Authorization header) left the process for a host it must never reach,
    or plays a broken proxy. -Close closes each connection at once, reading nothing, like an mTLS edge dropping an
    unknown client certificate. Dispose() (or Stop-TestServer) stops it.
#>
function Start-CaptureServer {
    param(
        [string] $Answer = "HTTP/1.1 200 OK`r`nContent-Type: text/plain`r`nContent-Length: 13`r`nConnection: close`r`n`r`nHello, world!",
        [switch] $Close
    )
    if (-not $script:CaptureServerType) {
        $script:CaptureServerType = Add-Type -PassThru -TypeDefinition @'
using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

public sealed class SaleschatCaptureServer : IDisposable
{
    private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
    private readonly byte[] _answer;
    private readonly bool _close;
    public ConcurrentQueue<string> Received { get; } = new ConcurrentQueue<string>();
    public int Connections;
    public int Port { get { return ((IPEndPoint)_listener.LocalEndpoint).Port; } }

    public SaleschatCaptureServer(string answer, bool close)
    {
        _answer = Encoding.Latin1.GetBytes(answer);
        _close = close;
        _listener.Start();
        Task.Run(AcceptLoop);
    }

    private async Task AcceptLoop()
    {
        while (true)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(); } catch { return; }
            System.Threading.Interlocked.Increment(ref Connections);
            if (_close) { client.Dispose(); continue; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var buffer = new byte[16384];
                    var read = stream.ReadAsync(buffer, 0, buffer.Length);
                    if (await Task.WhenAny(read, Task.Delay(3000)) == read && read.Result > 0)
                    {
                        Received.Enqueue(Encoding.Latin1.GetString(buffer, 0, read.Result));
                        try { await stream.WriteAsync(_answer, 0, _answer.Length); } catch { }
                    }
                }
            });
        }
    }

    public string AllText() { return string.Join("\n", Received.ToArray()); }
    public void Dispose() { _listener.Stop(); }
}
'@ | Where-Object Name -eq 'SaleschatCaptureServer'
    }
    [SaleschatCaptureServer]::new($Answer, [bool]$Close)
}

<#
.SYNOPSIS
    `openssl s_server -HTTP` on 127.0.0.1 as a foreign mTLS host: a self-signed server certificate (SAN IP:127.0.0.1)
    made once in Folder, client certificates required (-Verify 1) and checked against ClientCaFile, and the hello
    route served from a file holding a whole HTTP/1.0 response. It speaks HTTP/1.x only. `Stop-TestServer -PassThru`
    stops it and returns what it printed (verify results, alerts, served files).
#>
function Start-OpenSslServer {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [Parameter(Mandatory)] [string] $ClientCaFile,
        # -verify_return_error: refuse an unverifiable client with a TLS alert (without it s_server only logs it).
        [switch] $ReturnVerifyError,
        [string[]] $ExtraArgument = @()
    )
    $key = Join-Path $Folder 'srv.key'
    $crt = Join-Path $Folder 'srv.crt'
    if (-not (Test-Path -LiteralPath $crt)) {
        $made = & openssl req -x509 -newkey rsa:2048 -nodes -keyout $key -out $crt -days 2 -subj '/CN=localhost' -addext 'subjectAltName=IP:127.0.0.1,DNS:localhost' 2>&1
        if ($LASTEXITCODE -ne 0) { throw "openssl req failed: $made" }
    }
    $root = Join-Path $Folder 'www'
    $hello = [IO.Path]::Combine($root, 'v4', 'orgs', 'org-1', 'mtls', 'hello')
    $null = [IO.Directory]::CreateDirectory([IO.Path]::GetDirectoryName($hello))
    [IO.File]::WriteAllText($hello, "HTTP/1.0 200 ok`r`nContent-Type: text/plain`r`n`r`nHello, world!")

    # The port is free when chosen; another process may take it first, so try a few.
    foreach ($attempt in 1..3) {
        $port = Get-FreeTcpPort
        $arguments = @('s_server', '-accept', "127.0.0.1:$port", '-cert', $crt, '-key', $key, '-Verify', '1', '-CAfile', $ClientCaFile, '-HTTP')
        if ($ReturnVerifyError) { $arguments += '-verify_return_error' }
        $property = [ordered]@{ BaseUri = [uri]"https://127.0.0.1:$port/"; CertificatePath = $crt }
        try {
            return Start-TestServer -Name 'openssl s_server' -FileName openssl -ArgumentList ($arguments + $ExtraArgument) -Port $port `
                -WorkingDirectory $root -Property $property -TimeoutSec 10
        }
        catch { if ($attempt -eq 3) { throw } }
    }
}

Export-ModuleMember -Function Start-CaptureServer, Start-OpenSslServer
