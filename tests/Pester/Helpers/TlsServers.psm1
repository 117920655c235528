# Servers a test talks to instead of Saleschat: a capture server, a closing server, openssl s_server and a minimal TLS server.
Set-StrictMode -Version 3.0

Import-Module ([IO.Path]::Combine($PSScriptRoot, 'ChildProcess.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'HelpersCommon.psm1'))

$script:CaptureServerType = $null

<#
.SYNOPSIS
    A TCP listener on 127.0.0.1 that records every connection and the first bytes sent on it, and answers a
    plain HTTP 200. Proves whether anything (a request, a TLS ClientHello, an Authorization header) left the
    process for a host it must never reach. Dispose() stops it.
#>
function Start-CaptureServer {
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
    public ConcurrentQueue<string> Received { get; } = new ConcurrentQueue<string>();
    public int Connections;
    public int Port { get { return ((IPEndPoint)_listener.LocalEndpoint).Port; } }

    public SaleschatCaptureServer() { _listener.Start(); Task.Run(AcceptLoop); }

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
                        Received.Enqueue(Encoding.Latin1.GetString(buffer, 0, read.Result));
                        var answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, world!");
                        try { await stream.WriteAsync(answer, 0, answer.Length); } catch { }
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
    [SaleschatCaptureServer]::new()
}

<#
.SYNOPSIS
    A TCP listener on 127.0.0.1 that accepts each connection and closes it at once, like an mTLS edge dropping an
    unknown client certificate. Accepted counts connections (counted before the close, so a client that saw the
    close is counted). Dispose() stops it. Runs in a thread job: no C# to compile.
#>
function Start-ClosingServer {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $accepted = [Collections.Concurrent.ConcurrentQueue[int]]::new()
    $job = Start-ThreadJob -ScriptBlock {
        $l = $using:listener
        $q = $using:accepted
        while ($true) {
            try { $client = $l.AcceptTcpClient() } catch { break }   # Stop() ends the loop
            $q.Enqueue(1)
            $client.Close()
        }
    }
    $server = [pscustomobject]@{ Port = $listener.LocalEndpoint.Port; Listener = $listener; Queue = $accepted; Job = $job }
    $server | Add-Member -MemberType ScriptProperty -Name Accepted -Value { $this.Queue.Count }
    $server | Add-Member -MemberType ScriptMethod -Name Dispose -Value {
        $this.Listener.Stop()
        $null = $this.Job | Wait-Job -Timeout 10
        Remove-Job $this.Job -Force
    }
    $server
}

<#
.SYNOPSIS
    `openssl s_server -HTTP` on 127.0.0.1 as a foreign mTLS host: a self-signed server certificate (SAN IP:127.0.0.1)
    made once in Folder, client certificates required (-Verify 1) and checked against ClientCaFile, and the hello
    route served from a file holding a whole HTTP/1.0 response. It speaks HTTP/1.x only. Stop-OpenSslServer stops it
    and returns what it printed (verify results, alerts, served files).
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
        $start = [Diagnostics.ProcessStartInfo]::new('openssl')
        $arguments = @('s_server', '-accept', "127.0.0.1:$port", '-cert', $crt, '-key', $key, '-Verify', '1', '-CAfile', $ClientCaFile, '-HTTP')
        if ($ReturnVerifyError) { $arguments += '-verify_return_error' }
        foreach ($a in $arguments + $ExtraArgument) { $start.ArgumentList.Add($a) }
        $start.WorkingDirectory = $root
        $start.UseShellExecute = $false
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $process = [Diagnostics.Process]::Start($start)
        $server = [pscustomobject]@{
            Port            = $port
            BaseUri         = [uri]"https://127.0.0.1:$port/"
            CertificatePath = $crt
            Process         = $process
            StdOut          = $process.StandardOutput.ReadToEndAsync()
            StdErr          = $process.StandardError.ReadToEndAsync()
        }
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not $process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            $probe = [Net.Sockets.TcpClient]::new()
            try { $probe.Connect([Net.IPAddress]::Loopback, $port); return $server } catch { Start-Sleep -Milliseconds 50 } finally { $probe.Dispose() }
        }
        $output = Stop-OpenSslServer $server
        if ($attempt -eq 3) { throw "openssl s_server did not listen on 127.0.0.1:${port}: $output" }
    }
}

function Stop-OpenSslServer {
    param([Parameter(Mandatory)] $Server)
    $p = $Server.Process
    if (-not $p.HasExited) { $p.Kill($true) }
    $p.WaitForExit()
    $text = $Server.StdOut.GetAwaiter().GetResult() + $Server.StdErr.GetAwaiter().GetResult()
    $p.Dispose()
    $text
}

<#
.SYNOPSIS
    Makes a CA and a server certificate for 127.0.0.1 signed by it, with the given extended key usage
    ('serverAuth', 'clientAuth', or 'none' for no EKU extension), in Folder. Returns CaPath, CertPath, KeyPath.
#>
function New-TestServerCertificate {
    param([Parameter(Mandatory)] [string] $Folder, [ValidateSet('serverAuth', 'clientAuth', 'none')] [string] $Usage = 'serverAuth')
    $null = [IO.Directory]::CreateDirectory($Folder)
    $ca = Join-Path $Folder 'ca'
    $srv = Join-Path $Folder "server-$Usage"
    $ext = Join-Path $Folder "server-$Usage.ext"
    $lines = @('basicConstraints=CA:FALSE', 'subjectAltName=IP:127.0.0.1,DNS:localhost', 'keyUsage=digitalSignature,keyEncipherment')
    if ($Usage -ne 'none') { $lines += "extendedKeyUsage=$Usage" }
    [IO.File]::WriteAllLines($ext, [string[]]$lines)
    if (-not [IO.File]::Exists("$ca.crt")) {
        $null = & openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ca.key" -out "$ca.crt" -days 2 -subj '/CN=Saleschat Test CA' -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>&1
    }
    $null = & openssl req -newkey rsa:2048 -nodes -keyout "$srv.key" -out "$srv.csr" -subj '/CN=127.0.0.1' 2>&1
    $null = & openssl x509 -req -in "$srv.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial -out "$srv.crt" -days 2 -sha256 -extfile $ext 2>&1
    if (-not [IO.File]::Exists("$srv.crt")) { throw "openssl could not make the $Usage server certificate in $Folder." }
    [pscustomobject]@{ CaPath = "$ca.crt"; CertPath = "$srv.crt"; KeyPath = "$srv.key" }
}

<#
.SYNOPSIS
    `openssl s_server -www` on 127.0.0.1 with the given certificate: a TLS server that answers any GET with a
    status page. Returns Process and Port once it accepts connections; stop it with Stop-TestProcess.
#>
function Start-TestTlsServer {
    param([Parameter(Mandatory)] [string] $CertPath, [Parameter(Mandatory)] [string] $KeyPath, [int] $TimeoutSec = 20)
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $start = [Diagnostics.ProcessStartInfo]::new('openssl')
    foreach ($a in @('s_server', '-accept', "127.0.0.1:$port", '-cert', $CertPath, '-key', $KeyPath, '-www', '-quiet')) { $start.ArgumentList.Add($a) }
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    $null = $process.StandardOutput.ReadToEndAsync()
    $null = $process.StandardError.ReadToEndAsync()
    Wait-Until -TimeoutSec $TimeoutSec -Because "openssl s_server on port $port" -Condition {
        $client = [Net.Sockets.TcpClient]::new()
        try { $client.Connect([Net.IPAddress]::Loopback, $port); $true } catch { $false } finally { $client.Dispose() }
    }
    [pscustomobject]@{ Process = $process; Port = $port }
}

Export-ModuleMember -Function Start-CaptureServer, Start-ClosingServer, Start-OpenSslServer, Stop-OpenSslServer, New-TestServerCertificate, Start-TestTlsServer
