# Debian's apache2 as an mTLS edge that asks for the client certificate per path (tests/Edges/apache-per-location.conf):
# HTTP/2 offered, `SSLVerifyClient require` in a <LocationMatch>, so an HTTP/2 request is reset with HTTP_1_1_REQUIRED
# and must be sent again over HTTP/1.1. Started like the nginx and haproxy edges (Edges.psm1, Start-TestEdgeProcess):
# one process tree on a free 127.0.0.1 port with its own temp prefix, a server certificate from New-TestEdgeAuthority,
# and stopped by its pid with Stop-TestServer (which also deletes the prefix).
Set-StrictMode -Version 3.0

Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Edges.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'HelpersCommon.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'TestModule.psm1'))

function Set-TestMode([string] $Path, [string] $Mode) {
    if (-not $IsWindows) { [IO.File]::SetUnixFileMode($Path, [IO.UnixFileMode]$Mode) }
}

<#
.SYNOPSIS
    Starts Apache with `Protocols h2 http/1.1` and per-location `SSLVerifyClient require` on a free 127.0.0.1 port.
    -Tls 'Tls13' or 'Tls12' pins the protocol (TLS 1.3 asks for the certificate by post-handshake authentication,
    TLS 1.2 by renegotiation). -Allowed are the uploaded certificates (PEM files). Returns the same shape as
    Start-TestEdge (Start-TestEdgeProcess) plus AccessLog and ReceivedLog.
#>
function Start-TestApacheEdge {
    param(
        [Parameter(Mandatory)] [ValidateSet('Tls13', 'Tls12')] [string] $Tls,
        [Parameter(Mandatory)] $Authority,
        [Parameter(Mandatory)] [string[]] $Allowed,
        [string] $OrgId = (Get-TestOrgId),
        [string] $ApiKey = (Get-TestApiKeyText),
        [int] $TimeoutSec = 20
    )
    $tool = Get-EdgeTool apache2
    $kind = "Apache$Tls"
    $prefix = New-TestEdgePrefix -Kind $kind -Authority $Authority -Allowed $Allowed
    $htdocs = [IO.Path]::Combine($prefix, 'htdocs')
    $cgi = [IO.Path]::Combine($prefix, 'cgi')
    foreach ($folder in $prefix, $htdocs, $cgi) {
        $null = [IO.Directory]::CreateDirectory($folder)
        # Apache's workers run as www-data when started by root: they must reach the hello, the CGI and received.log.
        Set-TestMode $folder 'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute'
    }

    [IO.File]::WriteAllText([IO.Path]::Combine($htdocs, 'hello.txt'), 'Hello, world!')
    [IO.File]::WriteAllText([IO.Path]::Combine($htdocs, 'forbidden.asis'),
        "Status: 403 Forbidden`nContent-Type: application/json`n`n" + '{"error":{"code":4030001,"message":"FORBIDDEN","description":"The API key has no access to this org"}}')
    $received = [IO.Path]::Combine($prefix, 'received.log')
    [IO.File]::WriteAllText($received, '')
    Set-TestMode $received 'UserRead, UserWrite, GroupRead, GroupWrite, OtherRead, OtherWrite'
    $echo = [IO.Path]::Combine($cgi, 'echo.cgi')
    [IO.File]::WriteAllText($echo, "#!/bin/sh`nbody=`$(cat)`nprintf '%s\n' `"`$body`" >> '$received'`nprintf 'Content-Type: application/json\r\n\r\n%s' `"`$body`"`n")
    Set-TestMode $echo 'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute'

    $port = Get-FreeTcpPort
    $isRoot = (-not $IsWindows) -and ((& id -u) -eq '0')
    $text = [IO.File]::ReadAllText([IO.Path]::Combine((Get-RepoRoot), 'tests', 'Edges', 'apache-per-location.conf'))
    $text = $text.Replace('{{PORT}}', [string]$port).Replace('{{PREFIX}}', $prefix).Replace('{{ORG}}', $OrgId)
    $text = $text.Replace('{{TLS_PROTOCOL}}', $(if ($Tls -eq 'Tls12') { '-all +TLSv1.2' } else { '-all +TLSv1.3' }))
    # By number: other tests add and remove OS users, and a name looked up while /etc/group is rewritten can fail.
    $user = if ($isRoot) { "User #$(& id -u www-data)`nGroup #$(& id -g www-data)" } else { '' }
    $text = $text.Replace('{{USER}}', $user)
    $config = [IO.Path]::Combine($prefix, 'httpd.conf')
    [IO.File]::WriteAllText($config, $text)

    Start-TestEdgeProcess -Kind $kind -FileName $tool -ArgumentList '-f', $config, '-DFOREGROUND' -Port $port -Prefix $prefix -ConfigPath $config `
        -Authority $Authority -OrgId $OrgId -ApiKey $ApiKey -TimeoutSec $TimeoutSec `
        -Property ([ordered]@{ AccessLog = [IO.Path]::Combine($prefix, 'access.log'); ReceivedLog = $received })
}

<#
.SYNOPSIS
    The requests Apache logged, one object each: Method, Path, Status, Protocol (HTTP/2.0 or HTTP/1.1), Tls.
#>
function Get-TestApacheRequest {
    param([Parameter(Mandatory)] $Edge)
    if (-not [IO.File]::Exists($Edge.AccessLog)) { return }
    foreach ($line in [IO.File]::ReadAllLines($Edge.AccessLog)) {
        $method, $path, $status, $protocol, $tls = $line -split ' '
        [pscustomobject]@{ Method = $method; Path = $path; Status = [int]$status; Protocol = $protocol; Tls = $tls }
    }
}

<#
.SYNOPSIS
    The JSON bodies the echo CGI processed, one line each, in arrival order.
#>
function Get-TestApacheReceivedBody {
    param([Parameter(Mandatory)] $Edge)
    [IO.File]::ReadAllLines($Edge.ReceivedLog) | Where-Object { $_ }
}

Export-ModuleMember -Function Start-TestApacheEdge, Get-TestApacheRequest, Get-TestApacheReceivedBody
