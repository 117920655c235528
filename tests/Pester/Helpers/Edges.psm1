# Debian's nginx and haproxy as mTLS edges, configured from the templates in tests/Edges/, and curl as the judge.
Set-StrictMode -Version 3.0

Import-Module ([IO.Path]::Combine($PSScriptRoot, 'ChildProcess.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Emulator.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'HelpersCommon.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'TestModule.psm1'))

# An edge tool's path; a clear failure (never a skip) when it is missing: .ci/run installs them as root.
function Get-EdgeTool {
    param([Parameter(Mandatory)] [ValidateSet('nginx', 'haproxy', 'openssl', 'curl')] [string] $Name)
    $command = Get-Command $Name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($command) { return $command.Source }
    foreach ($dir in '/usr/sbin', '/usr/local/sbin', '/sbin') {
        $path = [IO.Path]::Combine($dir, $Name)
        if ([IO.File]::Exists($path)) { return $path }
    }
    throw "$Name is not installed, so the Edge tests cannot run: install it (apt-get install $Name; .ci/run does this when it runs as root)."
}

function Invoke-EdgeOpenSsl {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    $output = & (Get-EdgeTool openssl) @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "openssl $($Arguments[0]) failed ($LASTEXITCODE): $($output -join ' ')" }
}

# A throwaway CA for the edges' server certificates (the client's -ServerCertificateAuthority).
function New-TestEdgeAuthority {
    param([Parameter(Mandatory)] [string] $Folder)
    $null = [IO.Directory]::CreateDirectory($Folder)
    $crt = [IO.Path]::Combine($Folder, 'edge-ca.crt')
    $key = [IO.Path]::Combine($Folder, 'edge-ca.key')
    Invoke-EdgeOpenSsl @('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-keyout', $key, '-out', $crt,
        '-subj', '/CN=Saleschat edge test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
    [pscustomobject]@{
        CertificatePath = $crt
        KeyPath         = $key
        Certificate     = [Security.Cryptography.X509Certificates.X509Certificate2]::new($crt)
    }
}

# A server certificate issued by the authority; -SubjectAltName 'DNS:other.invalid' makes one for another name.
function New-TestEdgeServerCertificate {
    param(
        [Parameter(Mandatory)] $Authority,
        [Parameter(Mandatory)] [string] $Folder,
        [string] $SubjectAltName = 'IP:127.0.0.1'
    )
    $null = [IO.Directory]::CreateDirectory($Folder)
    $key = [IO.Path]::Combine($Folder, 'server.key')
    $csr = [IO.Path]::Combine($Folder, 'server.csr')
    $crt = [IO.Path]::Combine($Folder, 'server.crt')
    $ext = [IO.Path]::Combine($Folder, 'server.ext')
    [IO.File]::WriteAllText($ext, "subjectAltName=$SubjectAltName`nbasicConstraints=CA:FALSE`nkeyUsage=critical,digitalSignature,keyEncipherment`nextendedKeyUsage=serverAuth`n")
    $commonName = ($SubjectAltName -split ',')[0] -replace '^(IP|DNS):', ''
    Invoke-EdgeOpenSsl @('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', $key, '-out', $csr, '-subj', "/CN=$commonName")
    Invoke-EdgeOpenSsl @('x509', '-req', '-in', $csr, '-CA', $Authority.CertificatePath, '-CAkey', $Authority.KeyPath, '-set_serial', [string](Get-Random -Minimum 1000 -Maximum 2000000000),
        '-days', '2', '-sha256', '-extfile', $ext, '-out', $crt)
    # haproxy reads the certificate and its key from one file.
    [IO.File]::WriteAllText([IO.Path]::Combine($Folder, 'server.pem'), [IO.File]::ReadAllText($crt) + [IO.File]::ReadAllText($key))
    [pscustomobject]@{ CertificatePath = $crt; KeyPath = $key }
}

<#
.SYNOPSIS
    A client pair that expired 35 days ago (made with .NET, since openssl 3.0 cannot back-date), in the documented
    profile, key file mode 600. Returns Certificate, KeyPath and CertificatePath like New-TestClientPair.
#>
function New-TestExpiredClientPair {
    param([Parameter(Mandatory)] [string] $Folder, [string] $Name = 'expired')
    $null = [IO.Directory]::CreateDirectory($Folder)
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=Acme-saleschat-mtls, OU=Technology, O=Acme', $rsa,
        [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($false, $false, 0, $true))
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('DigitalSignature', $true))
    $eku = [Security.Cryptography.OidCollection]::new(); $null = $eku.Add([Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.2'))
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($eku, $false))
    $now = [DateTimeOffset]::UtcNow
    $certificate = $request.CreateSelfSigned($now.AddDays(-400), $now.AddDays(-35))
    $crt = [IO.Path]::Combine($Folder, "$Name.crt")
    $key = [IO.Path]::Combine($Folder, "$Name.key")
    [IO.File]::WriteAllText($crt, $certificate.ExportCertificatePem() + "`n")
    [IO.File]::WriteAllText($key, $rsa.ExportPkcs8PrivateKeyPem() + "`n")
    if (-not $IsWindows) { [IO.File]::SetUnixFileMode($key, [IO.UnixFileMode]'UserRead, UserWrite') }
    $rsa.Dispose()
    [pscustomobject]@{ Certificate = [Security.Cryptography.X509Certificates.X509Certificate2]::new($crt); KeyPath = $key; CertificatePath = $crt }
}

# The allowed set: the uploaded certificates' PEM, concatenated (ssl_client_certificate / ca-file).
function Write-TestEdgeAllowedSet {
    param([Parameter(Mandatory)] [string] $Prefix, [Parameter(Mandatory)] [string[]] $Allowed)
    $pem = ($Allowed | ForEach-Object { [IO.File]::ReadAllText($_).Trim() + "`n" }) -join ''
    $temp = [IO.Path]::Combine($Prefix, 'allowed.pem.new')
    [IO.File]::WriteAllText($temp, $pem)
    [IO.File]::Move($temp, [IO.Path]::Combine($Prefix, 'allowed.pem'), $true)
}

<#
.SYNOPSIS
    Starts a real mTLS edge on a free 127.0.0.1 port from its template in tests/Edges/:
      NginxVerifyOn       nginx ssl_verify_client on, HTTP/2 (answers refusals with its 400 pages)
      NginxVerifyOnHttp1  the same over HTTP/1.1 only
      NginxOptionalNoCa   nginx ssl_verify_client optional_no_ca + 403
      NginxApiKey         nginx ssl_verify_client on, and the hello needs the API key (401 without it)
      HaproxyTls13        haproxy verify required, TLS 1.3 only (the alert comes after the client's handshake)
      HaproxyTls12        haproxy verify required, TLS 1.2 only (the alert ends the handshake)
    -Allowed are the uploaded certificates (PEM files); -ServerSubjectAltName 'DNS:other.invalid' gives the server a
    certificate for another name. Returns Kind, BaseUri, Port, Prefix, OrgId, ApiKey, CaCertificate, CaPath and the
    process; pass it to Stop-TestEdge in AfterAll.
#>
function Start-TestEdge {
    param(
        [Parameter(Mandatory)]
        [ValidateSet('NginxVerifyOn', 'NginxVerifyOnHttp1', 'NginxOptionalNoCa', 'NginxApiKey', 'HaproxyTls13', 'HaproxyTls12')]
        [string] $Kind,
        [Parameter(Mandatory)] $Authority,
        [Parameter(Mandatory)] [string[]] $Allowed,
        [string] $ServerSubjectAltName = 'IP:127.0.0.1',
        [string] $OrgId = (Get-TestOrgId),
        [string] $ApiKey = (Get-TestApiKeyText),
        [int] $TimeoutSec = 15
    )
    $isNginx = $Kind -like 'Nginx*'
    $tool = Get-EdgeTool $(if ($isNginx) { 'nginx' } else { 'haproxy' })
    $prefix = [IO.Path]::Combine([IO.Path]::GetTempPath(), "saleschat-edge-$($Kind.ToLowerInvariant())-$([guid]::NewGuid().ToString('n').Substring(0, 8))")
    $null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($prefix, 'tmp'))
    $null = New-TestEdgeServerCertificate -Authority $Authority -Folder $prefix -SubjectAltName $ServerSubjectAltName
    Write-TestEdgeAllowedSet -Prefix $prefix -Allowed $Allowed
    $port = Get-FreeTcpPort
    $template = switch ($Kind) {
        'NginxVerifyOn' { 'nginx-verify-on.conf' }
        'NginxVerifyOnHttp1' { 'nginx-verify-on.conf' }
        'NginxOptionalNoCa' { 'nginx-optional-no-ca.conf' }
        'NginxApiKey' { 'nginx-api-key.conf' }
        default { 'haproxy-verify-required.cfg' }
    }
    $text = [IO.File]::ReadAllText([IO.Path]::Combine((Get-RepoRoot), 'tests', 'Edges', $template))
    $text = $text.Replace('{{PORT}}', [string]$port).Replace('{{PREFIX}}', $prefix).Replace('{{ORG}}', $OrgId).Replace('{{API_KEY}}', $ApiKey)
    $text = $text.Replace('{{HTTP2}}', $(if ($Kind -eq 'NginxVerifyOnHttp1') { '' } else { ' http2' }))
    $text = $text.Replace('{{TLS_VERSION}}', $(if ($Kind -eq 'HaproxyTls12') { 'ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2' } else { 'ssl-min-ver TLSv1.3' }))
    $config = [IO.Path]::Combine($prefix, $template)
    [IO.File]::WriteAllText($config, $text)

    $start = [Diagnostics.ProcessStartInfo]::new($tool)
    $arguments = if ($isNginx) { @('-p', $prefix, '-c', $config, '-e', [IO.Path]::Combine($prefix, 'error.log'), '-g', 'daemon off;') } else { @('-f', $config, '-db') }
    foreach ($a in $arguments) { $start.ArgumentList.Add($a) }
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $edge = [pscustomobject]@{
        PSTypeName    = 'SaleschatTest.Edge'
        Kind          = $Kind
        BaseUri       = [uri]"https://127.0.0.1:$port/"
        Port          = $port
        Prefix        = $prefix
        ConfigPath    = $config
        OrgId         = $OrgId
        ApiKey        = $ApiKey
        CaCertificate = $Authority.Certificate
        CaPath        = $Authority.CertificatePath
        Process       = $process
        StdOut        = $stdout
        StdErr        = $stderr
    }
    Wait-TestEdgeListening $edge -Name $Kind -TimeoutSec $TimeoutSec
    $edge
}

# Waits until a started edge listens on its port; if it exits first or the deadline passes, stops it and throws with its log.
function Wait-TestEdgeListening {
    param([Parameter(Mandatory, Position = 0)] $Edge, [Parameter(Mandatory)] [string] $Name, [int] $TimeoutSec = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (Test-TcpPortOpen $Edge.Port)) {
        if ($Edge.Process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            $log = Get-TestEdgeLog $Edge
            Stop-TestEdge $Edge
            throw "$Name did not start on 127.0.0.1:$($Edge.Port) within $TimeoutSec s: $log"
        }
        Start-Sleep -Milliseconds 50
    }
}

function Get-TestEdgeLog {
    param([Parameter(Mandatory)] $Edge)
    $log = [IO.Path]::Combine($Edge.Prefix, 'error.log')
    $text = if ([IO.File]::Exists($log)) { [IO.File]::ReadAllText($log) } else { '' }
    if ($Edge.Process.HasExited) { $text += $Edge.StdOut.GetAwaiter().GetResult() + $Edge.StdErr.GetAwaiter().GetResult() }
    $text
}

function Send-TestEdgeSignal([int] $ProcessId, [string] $Signal) {
    $kill = [Diagnostics.Process]::Start('kill', @("-$Signal", [string]$ProcessId))
    $kill.WaitForExit()
}

<#
.SYNOPSIS
    "Upload" on a real edge: writes the new allowed set and reloads nginx (SIGHUP), returning once the old worker
    (which still holds the old set) has exited, so the next connection sees the new set.
#>
function Update-TestEdgeAllowed {
    param([Parameter(Mandatory)] $Edge, [Parameter(Mandatory)] [string[]] $Allowed, [int] $TimeoutSec = 15)
    if ($Edge.Kind -notlike 'Nginx*') { throw 'Update-TestEdgeAllowed reloads nginx only.' }
    $log = [IO.Path]::Combine($Edge.Prefix, 'error.log')
    $exited = { ([regex]::Matches([IO.File]::ReadAllText($log), 'worker process \d+ exited')).Count }
    $before = & $exited
    Write-TestEdgeAllowedSet -Prefix $Edge.Prefix -Allowed $Allowed
    Send-TestEdgeSignal $Edge.Process.Id 'HUP'
    Wait-Until { (& $exited) -gt $before } -TimeoutSec $TimeoutSec -Because "nginx to reload ($log)"
}

# Stops an edge by its pid: SIGTERM lets nginx's master stop its workers; whatever is left is killed.
function Stop-TestEdge {
    param([Parameter(ValueFromPipeline)] $Edge)
    process {
        if (-not $Edge) { return }
        $p = $Edge.Process
        if (-not $p.HasExited) {
            Send-TestEdgeSignal $p.Id 'TERM'
            if (-not $p.WaitForExit(10000)) {
                $children = & pgrep -P $p.Id 2>$null
                foreach ($child in @($children)) { if ($child) { Send-TestEdgeSignal ([int]$child) 'KILL' } }
                $p.Kill($true); $p.WaitForExit()
            }
        }
        $p.Dispose()
        if ([IO.Directory]::Exists($Edge.Prefix)) { [IO.Directory]::Delete($Edge.Prefix, $true) }
    }
}

<#
.SYNOPSIS
    The hello call with curl, as Saleschat's docs test it: --cert/--key, --cacert unless -NoCa, the API key unless it
    is empty. Returns ExitCode, StatusCode, Body, Error and Verdict: Success, ApiKeyRejected, WrongOrganization,
    Refused (the client certificate: a TLS failure or an HTTP 400/403/495/496), ServerNameMismatch or
    ServerCertificateUntrusted.
#>
function Invoke-EdgeCurl {
    param(
        [Parameter(Mandatory)] $Edge,
        [Parameter(Mandatory)] $Pair,
        [string] $ApiKey = $Edge.ApiKey,
        [string] $OrgId = $Edge.OrgId,
        [switch] $NoCa,
        [switch] $Http1,
        # 'localhost' asks for a name the edge's certificate (made for 127.0.0.1) does not carry.
        [string] $HostName = '127.0.0.1'
    )
    $curl = Get-EdgeTool curl
    $arguments = @('-sS', '--max-time', '10', '-o', '-', '-w', '\n%{http_code}', '--cert', $Pair.CertificatePath, '--key', $Pair.KeyPath)
    if (-not $NoCa) { $arguments += @('--cacert', $Edge.CaPath) }
    if ($ApiKey) { $arguments += @('-H', "Authorization: Bearer $ApiKey") }
    if ($Http1) { $arguments += '--http1.1' }
    $arguments += "https://$($HostName):$($Edge.Port)/v4/orgs/$OrgId/mtls/hello"
    $errorFile = [IO.Path]::GetTempFileName()
    try {
        $output = (& $curl @arguments 2>$errorFile) -join "`n"
        $exit = $LASTEXITCODE
        $errorText = [IO.File]::ReadAllText($errorFile)
    }
    finally { [IO.File]::Delete($errorFile) }
    $status = 0
    $body = $output
    if ($output -match '(?s)^(.*)\n(\d{3})$') { $body = $Matches[1]; $status = [int]$Matches[2] }
    $verdict = if ($exit -eq 60 -and $errorText -match 'subject name|does not match') { 'ServerNameMismatch' }
    elseif ($exit -eq 60) { 'ServerCertificateUntrusted' }
    elseif ($exit -ne 0) { 'Refused' }
    elseif ($status -eq 200 -and $body.Trim() -eq 'Hello, world!') { 'Success' }
    elseif ($status -eq 401) { 'ApiKeyRejected' }
    elseif ($status -eq 403 -and $body -match '4030001') { 'WrongOrganization' }
    elseif ($status -in 400, 403, 495, 496) { 'Refused' }
    else { "Unexpected $status" }
    [pscustomobject]@{ ExitCode = $exit; StatusCode = $status; Body = $body; Error = $errorText; Verdict = $verdict }
}

<#
.SYNOPSIS
    curl, run the way Saleschat's documentation runs it: quiet (errors still shown), failing on HTTP errors, bounded
    in time, never through a proxy. Returns ExitCode and Output (stdout and stderr).
#>
function Invoke-TestCurl {
    param([Parameter(Mandatory)] [string[]] $ArgumentList, [string] $WorkingDirectory = $PWD.ProviderPath)
    $arguments = @('--silent', '--show-error', '--fail', '--max-time', '20', '--noproxy', '*') + $ArgumentList
    $result = Invoke-TestProgram -FileName curl -ArgumentList $arguments -WorkingDirectory $WorkingDirectory -TimeoutSec 30
    if ($result.TimedOut) { throw "curl did not finish within 30 s." }
    $result
}

Export-ModuleMember -Function Get-EdgeTool, Invoke-EdgeOpenSsl, New-TestEdgeAuthority, New-TestEdgeServerCertificate, New-TestExpiredClientPair, Write-TestEdgeAllowedSet, Start-TestEdge, Wait-TestEdgeListening, Get-TestEdgeLog, Send-TestEdgeSignal, Update-TestEdgeAllowed, Stop-TestEdge, Invoke-EdgeCurl, Invoke-TestCurl
