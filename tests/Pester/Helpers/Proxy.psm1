# Egress proxies for the proxy tests: Debian's squid (Basic authentication with basic_ncsa_auth, a refused host,
# ssl_bump with its own CA) and tinyproxy (BasicAuth), each started from its template in tests/Proxies/ on a free
# 127.0.0.1 port with its own config, pid and log files in a temp folder (Start-TestServer), and stopped by its pid
# (Stop-TestServer). Also a test host name
# in /etc/hosts: .NET (and curl) send loopback addresses and localhost straight to the host, never to a proxy.
Set-StrictMode -Version 3.0
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Edges.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'HelpersCommon.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'ServerProcess.psm1'))

$script:RepoRoot = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', '..', '..'))
$script:HostsFile = '/etc/hosts'
$script:HostsMarker = '# saleschat-proxy-tests'

# A host name no other test uses, under .test (RFC 6761: never a real host).
function New-TestProxyHostName { 'saleschat-proxy-' + [guid]::NewGuid().ToString('n').Substring(0, 10) + '.test' }

# Maps Name to 127.0.0.1 in /etc/hosts (one marked line, written in place: /etc/hosts may be a bind mount).
function Add-TestHostName {
    param([Parameter(Mandatory)] [string] $Name)
    $line = "127.0.0.1 $Name $script:HostsMarker"
    $text = [IO.File]::ReadAllText($script:HostsFile)
    if (-not $text.EndsWith("`n")) { $text += "`n" }
    [IO.File]::WriteAllText($script:HostsFile, $text + $line + "`n")
}

# Removes the line Add-TestHostName wrote for Name, and only it.
function Remove-TestHostName {
    param([string] $Name)
    if (-not $Name) { return }
    $kept = [IO.File]::ReadAllLines($script:HostsFile) | Where-Object { $_ -ne "127.0.0.1 $Name $script:HostsMarker" }
    [IO.File]::WriteAllText($script:HostsFile, (($kept -join "`n") + "`n"))
}

# An htpasswd line (apr1, as htpasswd -m writes) made with openssl, which is always there.
function New-HtpasswdLine {
    param([Parameter(Mandatory)] [string] $User, [Parameter(Mandatory)] [string] $Password)
    $hash = (& (Get-EdgeTool openssl) passwd -apr1 $Password).Trim()
    if ($LASTEXITCODE -ne 0 -or -not $hash) { throw 'openssl passwd -apr1 failed.' }
    "${User}:$hash"
}

<#
.SYNOPSIS
    Starts a real egress proxy on a free 127.0.0.1 port:
      Squid      squid, CONNECT to any port; Basic authentication (basic_ncsa_auth) when -User/-Password are given;
                 CONNECT to -RefusedHost is denied (403)
      SquidBump  squid with ssl_bump: it answers the TLS handshake itself with certificates from its own CA (made
                 here, "Saleschat test inspecting proxy CA"), as Zscaler or Netskope do
      Tinyproxy  tinyproxy, BasicAuth when -User/-Password are given; -RefuseConnect refuses every CONNECT with 403
                 (ConnectPort allows only port 1), as an egress proxy that does not allow the mTLS host does
    Returns Kind, Uri (http://127.0.0.1:port/), Port, Prefix, LogPath, the process and, for SquidBump, CaPath and
    CaSubject. Stop it with Stop-TestServer.
#>
function Start-TestProxy {
    param(
        [Parameter(Mandatory)] [ValidateSet('Squid', 'SquidBump', 'Tinyproxy')] [string] $Kind,
        [string] $User,
        [string] $Password,
        [string] $RefusedHost = 'refused.saleschat-proxy.test',
        [switch] $RefuseConnect,
        [int] $TimeoutSec = 30
    )
    $isSquid = $Kind -like 'Squid*'
    $tool = Get-EdgeTool $(if ($isSquid) { 'squid' } else { 'tinyproxy' })
    $prefix = [IO.Path]::Combine([IO.Path]::GetTempPath(), "saleschat-proxy-$($Kind.ToLowerInvariant())-$([guid]::NewGuid().ToString('n').Substring(0, 8))")
    $null = [IO.Directory]::CreateDirectory($prefix)
    $port = Get-FreeTcpPort
    $template = [IO.File]::ReadAllText([IO.Path]::Combine($script:RepoRoot, 'tests', 'Proxies', $(if ($isSquid) { 'squid.conf' } else { 'tinyproxy.conf' })))
    $auth = ''
    $caPath = $null
    $caSubject = $null
    if ($isSquid) {
        if ($User) {
            [IO.File]::WriteAllText([IO.Path]::Combine($prefix, 'htpasswd'), (New-HtpasswdLine $User $Password) + "`n")
            $auth = "auth_param basic program /usr/lib/squid/basic_ncsa_auth $prefix/htpasswd`nauth_param basic realm Saleschat test proxy`nacl authenticated proxy_auth REQUIRED`nhttp_access deny !authenticated"
        }
        $bump = ''
        $bumpOptions = ''
        if ($Kind -eq 'SquidBump') {
            $caSubject = 'CN=Saleschat test inspecting proxy CA, O=Inspecting Proxy Test'
            $caPath = [IO.Path]::Combine($prefix, 'bump-ca.pem')
            $caKey = [IO.Path]::Combine($prefix, 'bump-ca.key')
            $output = & (Get-EdgeTool openssl) req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -keyout $caKey -out $caPath `
                -subj '/O=Inspecting Proxy Test/CN=Saleschat test inspecting proxy CA' -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>&1
            if ($LASTEXITCODE -ne 0) { throw "openssl could not make the inspecting CA: $output" }
            $ssldb = [IO.Path]::Combine($prefix, 'ssl_db')
            $output = & /usr/lib/squid/security_file_certgen -c -s $ssldb -M 4MB 2>&1
            if ($LASTEXITCODE -ne 0) { throw "security_file_certgen could not make its database: $output" }
            $bumpOptions = " ssl-bump tls-cert=$caPath tls-key=$caKey generate-host-certificates=on dynamic_cert_mem_cache_size=4MB"
            $bump = "sslcrtd_program /usr/lib/squid/security_file_certgen -s $ssldb -M 4MB`nsslcrtd_children 2 startup=1 idle=1`nacl step1 at_step SslBump1`nssl_bump peek step1`nssl_bump bump all`ntls_outgoing_options flags=DONT_VERIFY_PEER`nsslproxy_cert_error allow all"
        }
        $text = $template.Replace('{{BUMP_PORT_OPTIONS}}', $bumpOptions).Replace('{{BUMP}}', $bump).Replace('{{REFUSED_HOST}}', $RefusedHost)
    }
    else {
        if ($User) { $auth = "BasicAuth $User $Password" }
        if ($RefuseConnect) { $auth += "`nConnectPort 1" }
        $text = $template
    }
    $text = $text.Replace('{{PORT}}', [string]$port).Replace('{{PREFIX}}', $prefix).Replace('{{AUTH}}', $auth)
    $config = [IO.Path]::Combine($prefix, $(if ($isSquid) { 'squid.conf' } else { 'tinyproxy.conf' }))
    [IO.File]::WriteAllText($config, $text)
    # squid started as root runs as Debian's 'proxy' user, tinyproxy as 'nobody' unless told: both write logs here.
    $owner = if ($isSquid) { 'proxy:proxy' } else { 'nobody:nogroup' }
    & chown -R $owner $prefix
    & chmod 0755 $prefix

    $arguments = if ($isSquid) { @('-N', '-f', $config) } else { @('-d', '-c', $config) }
    $property = [ordered]@{
        PSTypeName = 'SaleschatTest.Proxy'
        Kind       = $Kind
        Uri        = [uri]"http://127.0.0.1:$port/"
        ConfigPath = $config
        LogPath    = [IO.Path]::Combine($prefix, 'access.log')
        CaPath     = $caPath
        CaSubject  = $caSubject
    }
    Start-TestServer -Name $Kind -FileName $tool -ArgumentList $arguments -Port $port -Prefix $prefix -LogName 'cache.log', 'access.log' `
        -Property $property -TimeoutSec $TimeoutSec
}

# The proxy's own access log (squid writes each request when it ends; tinyproxy as it goes).
function Get-TestProxyLog {
    param([Parameter(Mandatory)] $Proxy)
    if ([IO.File]::Exists($Proxy.LogPath)) { [IO.File]::ReadAllText($Proxy.LogPath) } else { '' }
}

<#
.SYNOPSIS
    How many CONNECT requests for HostName the proxy has logged: squid's "CONNECT host:port" lines, tinyproxy's
    "Connect (file descriptor …)" / "Request (file descriptor …): CONNECT host:port" lines.
#>
function Get-TestProxyConnectCount {
    param([Parameter(Mandatory)] $Proxy, [Parameter(Mandatory)] [string] $HostName)
    $pattern = 'CONNECT ' + [regex]::Escape($HostName) + ':\d+'
    [regex]::Matches((Get-TestProxyLog $Proxy), $pattern).Count
}

<#
.SYNOPSIS
    Returns once the proxy has logged everything that happened before the call: it sends one CONNECT to a unique
    .invalid name (squid answers it at once; tinyproxy logs the request line as it reads it) and waits for that line.
    squid logs a tunnel when it ends, so a test proves "no CONNECT" only after its client has closed and this returned.
#>
function Sync-TestProxyLog {
    param([Parameter(Mandatory)] $Proxy, [int] $TimeoutSec = 15)
    $marker = 'sync-' + [guid]::NewGuid().ToString('n').Substring(0, 12) + '.invalid'
    $client = [Net.Sockets.TcpClient]::new()
    try {
        $client.Connect([Net.IPAddress]::Loopback, $Proxy.Port)
        $stream = $client.GetStream()
        $bytes = [Text.Encoding]::ASCII.GetBytes("CONNECT ${marker}:443 HTTP/1.1`r`nHost: ${marker}:443`r`n`r`n")
        $stream.Write($bytes, 0, $bytes.Length)
        $stream.ReadTimeout = $TimeoutSec * 1000
        $null = $stream.Read([byte[]]::new(1024), 0, 1024)
    }
    catch [IO.IOException] { }
    finally { $client.Dispose() }
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (Get-TestProxyLog $Proxy).Contains($marker)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "The proxy did not log $marker within $TimeoutSec s." }
        Start-Sleep -Milliseconds 50
    }
}

<#
.SYNOPSIS
    curl through the proxy to the edge's hello, as a user would check the proxy by hand: -x, --proxy-user when given,
    --cert/--key/--cacert. Returns ExitCode, StatusCode, Body and Error (curl's "CONNECT tunnel failed, response 407").
#>
function Invoke-ProxyCurl {
    param(
        [Parameter(Mandatory)] [uri] $Uri,
        [Parameter(Mandatory)] $Proxy,
        [Parameter(Mandatory)] $Pair,
        [Parameter(Mandatory)] [string] $CaPath,
        [string] $ProxyUser,
        [string] $ApiKey,
        [switch] $Http1
    )
    $arguments = @('-x', $Proxy.Uri.AbsoluteUri.TrimEnd('/'), '--cert', $Pair.CertificatePath, '--key', $Pair.KeyPath, '--cacert', $CaPath)
    if ($ProxyUser) { $arguments += @('--proxy-user', $ProxyUser) }
    if ($ApiKey) { $arguments += @('-H', "Authorization: Bearer $ApiKey") }
    if ($Http1) { $arguments += '--http1.1' }
    $arguments += $Uri.AbsoluteUri
    Invoke-TestCurlRequest $arguments
}

Export-ModuleMember -Function New-TestProxyHostName, Add-TestHostName, Remove-TestHostName, Start-TestProxy,
    Get-TestProxyLog, Get-TestProxyConnectCount, Sync-TestProxyLog, Invoke-ProxyCurl
