# Waiting with a deadline, free loopback ports, and throwaway secrets.
Set-StrictMode -Version 3.0

# Waits for a condition with a deadline instead of guessing with Start-Sleep.
function Wait-Until {
    param([Parameter(Mandatory)] [scriptblock] $Condition, [int] $TimeoutSec = 10, [string] $Because = 'the condition')
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSec s waiting for $Because." }
        Start-Sleep -Milliseconds 50
    }
}

# A port that was free a moment ago, on 127.0.0.1.
function Get-FreeTcpPort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Test-TcpPortOpen([int] $Port) {
    $client = [Net.Sockets.TcpClient]::new()
    try { $client.ConnectAsync([Net.IPAddress]::Loopback, $Port).Wait(500) -and $client.Connected } catch { $false } finally { $client.Dispose() }
}

# A SecureString as a user types it into Read-Host -AsSecureString.
function New-TestSecret {
    [OutputType([securestring])]
    param([Parameter(Mandatory)] [string] $Text)
    ConvertTo-SecureString -String $Text -AsPlainText -Force
}

Export-ModuleMember -Function Wait-Until, Get-FreeTcpPort, Test-TcpPortOpen, New-TestSecret
