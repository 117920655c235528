# Helpers for the third hardening round's tests: a real proxy that refuses CONNECT (tinyproxy), and an nginx edge
# (from SaleschatTestUtils' Start-TestEdge) whose optional_no_ca refusal answers with an application's JSON body.
Set-StrictMode -Version 3.0

# Get-FreeTcpPort, Test-TcpPortOpen and Wait-Until come from the suite's shared helpers (the loaded module is reused).
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', 'SaleschatTestUtils.psm1'))

<#
.SYNOPSIS
    tinyproxy on a free 127.0.0.1 port that refuses every CONNECT with 403 (ConnectPort allows only port 1), as an
    egress proxy that does not allow the mTLS host does. Returns Port, Uri, Prefix and the process; pass it to
    Stop-TestRefusingProxy.
#>
function Start-TestRefusingProxy {
    param([int] $TimeoutSec = 15)
    $tool = (Get-Command tinyproxy -CommandType Application -ErrorAction Ignore | Select-Object -First 1).Source
    if (-not $tool) { throw 'tinyproxy is not installed: apt-get install tinyproxy (.ci/run does this when it runs as root).' }
    $prefix = [IO.Path]::Combine([IO.Path]::GetTempPath(), "saleschat-refusing-proxy-$([guid]::NewGuid().ToString('n').Substring(0, 8))")
    $null = [IO.Directory]::CreateDirectory($prefix)
    $port = Get-FreeTcpPort
    $config = [IO.Path]::Combine($prefix, 'tinyproxy.conf')
    [IO.File]::WriteAllText($config, "Port $port`nListen 127.0.0.1`nTimeout 30`nLogLevel Info`nAllow 127.0.0.1`nConnectPort 1`n")
    $start = [Diagnostics.ProcessStartInfo]::new($tool)
    foreach ($a in @('-d', '-c', $config)) { $start.ArgumentList.Add($a) }
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    $proxy = [pscustomobject]@{
        Port    = $port
        Uri     = "http://127.0.0.1:$port"
        Prefix  = $prefix
        Process = $process
        StdOut  = $process.StandardOutput.ReadToEndAsync()
        StdErr  = $process.StandardError.ReadToEndAsync()
    }
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (Test-TcpPortOpen $port)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            Stop-TestRefusingProxy $proxy
            throw "tinyproxy did not start on 127.0.0.1:$port within $TimeoutSec s."
        }
        Start-Sleep -Milliseconds 50
    }
    $proxy
}

function Stop-TestRefusingProxy {
    param([Parameter(ValueFromPipeline)] $Proxy)
    process {
        if (-not $Proxy) { return }
        $p = $Proxy.Process
        if (-not $p.HasExited) { $p.Kill($true); $p.WaitForExit() }
        $p.Dispose()
        if ([IO.Directory]::Exists($Proxy.Prefix)) { [IO.Directory]::Delete($Proxy.Prefix, $true) }
    }
}

<#
.SYNOPSIS
    Makes a NginxOptionalNoCa edge (Start-TestEdge) answer a certificate it did not verify with 403 and the given JSON
    body, as an application behind `ssl_verify_client optional_no_ca` does, and reloads nginx; returns once the old
    worker has exited, so the next connection sees the new answer.
#>
function Set-TestEdgeForbiddenBody {
    param([Parameter(Mandatory)] $Edge, [Parameter(Mandatory)] [string] $Body, [int] $TimeoutSec = 15)
    if ($Edge.Kind -ne 'NginxOptionalNoCa') { throw 'Set-TestEdgeForbiddenBody rewrites the NginxOptionalNoCa edge only.' }
    $text = [IO.File]::ReadAllText($Edge.ConfigPath)
    $text = [regex]::Replace($text, "return 403( '[^']*')?;(\s*\})", { param($m) "return 403 '$Body';" + $m.Groups[2].Value }, 'None')
    if ($text -notmatch 'default_type application/json; # forbidden body') {
        $text = $text.Replace('ssl_verify_depth 1;', "ssl_verify_depth 1;`n        default_type application/json; # forbidden body")
    }
    [IO.File]::WriteAllText($Edge.ConfigPath, $text)
    $log = [IO.Path]::Combine($Edge.Prefix, 'error.log')
    $exited = { ([regex]::Matches([IO.File]::ReadAllText($log), 'worker process \d+ exited')).Count }
    $before = & $exited
    $kill = [Diagnostics.Process]::Start('kill', @('-HUP', [string]$Edge.Process.Id))
    $kill.WaitForExit()
    Wait-Until { (& $exited) -gt $before } -TimeoutSec $TimeoutSec -Because "nginx to reload ($log)"
}

Export-ModuleMember -Function Start-TestRefusingProxy, Stop-TestRefusingProxy, Set-TestEdgeForbiddenBody
