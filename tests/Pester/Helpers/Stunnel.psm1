# stunnel4 as a TLS 1.3 mTLS edge (verifyPeer with the uploaded certificates as CAfile). Over TLS 1.3 it checks the
# client certificate after the client's side of the handshake, and sometimes resets the TCP connection before its
# unknown_ca alert reaches the client. Started like the other edges (Edges.psm1, Start-TestEdgeProcess) and
# stopped by its pid with Stop-TestServer. Only refusals are exercised: the backend port has nothing behind it.
Set-StrictMode -Version 3.0

Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Edges.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'HelpersCommon.psm1'))

function Start-TestStunnelEdge {
    param(
        [Parameter(Mandatory)] $Authority,
        [Parameter(Mandatory)] [string[]] $Allowed,
        [int] $TimeoutSec = 15
    )
    $tool = Get-EdgeTool stunnel4
    $prefix = New-TestEdgePrefix -Kind 'stunnel' -Authority $Authority -Allowed $Allowed
    $port = Get-FreeTcpPort
    $config = [IO.Path]::Combine($prefix, 'stunnel.conf')
    [IO.File]::WriteAllText($config, @"
foreground = yes
pid = $prefix/stunnel.pid
output = $prefix/error.log
[mtls]
accept = 127.0.0.1:$port
connect = 127.0.0.1:$(Get-FreeTcpPort)
cert = $prefix/server.crt
key = $prefix/server.key
CAfile = $prefix/allowed.pem
verifyPeer = yes
sslVersionMin = TLSv1.3
"@)
    Start-TestEdgeProcess -Kind 'StunnelTls13' -Name 'stunnel' -FileName $tool -ArgumentList $config -Port $port -Prefix $prefix -ConfigPath $config `
        -Authority $Authority -TimeoutSec $TimeoutSec
}

Export-ModuleMember -Function Start-TestStunnelEdge
