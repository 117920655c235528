# Debian's nginx and haproxy as mTLS edges, configured from the templates in tests/Edges/, and curl as the judge.
Set-StrictMode -Version 3.0

Import-Module ([IO.Path]::Combine($PSScriptRoot, 'ChildProcess.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Emulator.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'HelpersCommon.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'ServerProcess.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'TestModule.psm1'))

# The path of a peer the edge and proxy tests run (found on PATH or in an sbin folder, which a non-root PATH may lack); a
# clear failure (never a skip) when it is missing: .ci/run installs them as root.
function Get-EdgeTool {
    param([Parameter(Mandatory)] [ValidateSet('nginx', 'haproxy', 'apache2', 'stunnel4', 'squid', 'tinyproxy', 'openssl', 'curl')] [string] $Name)
    $names = switch ($Name) { 'apache2' { 'apache2', 'httpd' } 'stunnel4' { 'stunnel4', 'stunnel' } default { $Name } }
    foreach ($candidate in $names) {
        $command = Get-Command $candidate -CommandType Application -ErrorAction Ignore | Select-Object -First 1
        if ($command) { return $command.Source }
        foreach ($dir in '/usr/sbin', '/usr/local/sbin', '/sbin') {
            $path = [IO.Path]::Combine($dir, $candidate)
            if ([IO.File]::Exists($path)) { return $path }
        }
    }
    $package = if ($Name -eq 'squid') { 'squid-openssl' } else { $Name }
    throw "$Name is not installed, so the tests that run it cannot run: install it (apt-get install $package; .ci/run does this when it runs as root)."
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

# A server certificate issued by the authority; -SubjectAltName 'DNS:other.invalid' makes one for another name,
# -ExtendedKeyUsage clientAuth (or none: no EKU extension) one that does not say serverAuth.
function New-TestEdgeServerCertificate {
    param(
        [Parameter(Mandatory)] $Authority,
        [Parameter(Mandatory)] [string] $Folder,
        [string] $SubjectAltName = 'IP:127.0.0.1',
        [ValidateSet('serverAuth', 'clientAuth', 'none')] [string] $ExtendedKeyUsage = 'serverAuth'
    )
    $null = [IO.Directory]::CreateDirectory($Folder)
    $key = [IO.Path]::Combine($Folder, 'server.key')
    $csr = [IO.Path]::Combine($Folder, 'server.csr')
    $crt = [IO.Path]::Combine($Folder, 'server.crt')
    $ext = [IO.Path]::Combine($Folder, 'server.ext')
    $eku = if ($ExtendedKeyUsage -eq 'none') { '' } else { "extendedKeyUsage=$ExtendedKeyUsage`n" }
    [IO.File]::WriteAllText($ext, "subjectAltName=$SubjectAltName`nbasicConstraints=CA:FALSE`nkeyUsage=critical,digitalSignature,keyEncipherment`n$eku")
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
    A client's edge fixture in Folder: the edges' server CA (Authority), the pairs Registered and Unregistered, the
    Expired pair (New-TestExpiredClientPair), and Loaded: their certificates loaded once with their keys (registered,
    unregistered, expired), so each session still makes its own fresh TLS handshakes without reading files again.
#>
function New-TestEdgeFixture {
    param([Parameter(Mandatory)] [string] $Folder)
    $registered = New-TestClientPair -Folder (Join-Path $Folder 'registered') -Name registered
    $unregistered = New-TestClientPair -Folder (Join-Path $Folder 'unregistered') -Name unregistered
    $expired = New-TestExpiredClientPair -Folder (Join-Path $Folder 'expired')
    [pscustomobject]@{
        Authority    = New-TestEdgeAuthority -Folder (Join-Path $Folder 'ca')
        Registered   = $registered
        Unregistered = $unregistered
        Expired      = $expired
        Loaded       = @{
            registered   = $registered.Certificate
            unregistered = $unregistered.Certificate
            expired      = Get-SaleschatClientCertificate -Path $expired.CertificatePath -KeyPath $expired.KeyPath -WarningAction SilentlyContinue
        }
    }
}

# An edge's own temp folder (named for Kind) holding its server certificate (server.crt, server.key, server.pem) from
# Authority and the allowed set (allowed.pem); returns its path.
function New-TestEdgePrefix {
    param(
        [Parameter(Mandatory)] [string] $Kind,
        [Parameter(Mandatory)] $Authority,
        [Parameter(Mandatory)] [string[]] $Allowed,
        [string] $ServerSubjectAltName = 'IP:127.0.0.1'
    )
    $prefix = [IO.Path]::Combine([IO.Path]::GetTempPath(), "saleschat-edge-$($Kind.ToLowerInvariant())-$([guid]::NewGuid().ToString('n').Substring(0, 8))")
    $null = [IO.Directory]::CreateDirectory($prefix)
    $null = New-TestEdgeServerCertificate -Authority $Authority -Folder $prefix -SubjectAltName $ServerSubjectAltName
    Write-TestEdgeAllowedSet -Prefix $prefix -Allowed $Allowed
    $prefix
}

<#
.SYNOPSIS
    Starts an edge process (Start-TestServer) and returns the one edge object every edge helper returns: Kind, BaseUri,
    Port, Prefix, ConfigPath, OrgId, ApiKey, CaCertificate and CaPath (the server CA, Authority), the process, and the
    -Property members, so Invoke-EdgeCurl and Stop-TestServer take any edge.
#>
function Start-TestEdgeProcess {
    param(
        [Parameter(Mandatory)] [string] $Kind,
        [Parameter(Mandatory)] [string] $FileName,
        [Parameter(Mandatory)] [string[]] $ArgumentList,
        [Parameter(Mandatory)] [int] $Port,
        [Parameter(Mandatory)] [string] $Prefix,
        [Parameter(Mandatory)] [string] $ConfigPath,
        [Parameter(Mandatory)] $Authority,
        [string] $Name = $Kind,
        [string] $OrgId = (Get-TestOrgId),
        [string] $ApiKey = (Get-TestApiKeyText),
        [Collections.IDictionary] $Property = @{},
        [int] $TimeoutSec = 15
    )
    $members = [ordered]@{
        PSTypeName    = 'SaleschatTest.Edge'
        Kind          = $Kind
        BaseUri       = [uri]"https://127.0.0.1:$Port/"
        ConfigPath    = $ConfigPath
        OrgId         = $OrgId
        ApiKey        = $ApiKey
        CaCertificate = $Authority.Certificate
        CaPath        = $Authority.CertificatePath
    }
    foreach ($key in $Property.Keys) { $members[$key] = $Property[$key] }
    Start-TestServer -Name $Name -FileName $FileName -ArgumentList $ArgumentList -Port $Port -Prefix $Prefix -Property $members -TimeoutSec $TimeoutSec
}

<#
.SYNOPSIS
    Starts a real mTLS edge on a free 127.0.0.1 port from its template in tests/Edges/:
      NginxVerifyOn       nginx ssl_verify_client on, HTTP/2 (answers refusals with its 400 pages)
      NginxVerifyOnHttp1  the same over HTTP/1.1 only
      NginxOptionalNoCa   nginx ssl_verify_client optional_no_ca + 403
      NginxApiKey         nginx ssl_verify_client on, and the hello needs the API key (401 without it)
      NginxPki            nginx ssl_verify_client on, ssl_verify_depth 2 (a client chain up to a company root), HTTP/2,
                          TLS 1.2 and 1.3, access log with $ssl_client_verify; NginxPkiTls12 the same over TLS 1.2 only
      HaproxyTls13        haproxy verify required, TLS 1.3 only (the alert comes after the client's handshake)
      HaproxyTls12        haproxy verify required, TLS 1.2 only (the alert ends the handshake)
    -Allowed are the uploaded certificates (PEM files); -ServerSubjectAltName 'DNS:other.invalid' gives the server a
    certificate for another name. Returns the edge object (Start-TestEdgeProcess); stop it with Stop-TestServer.
#>
function Start-TestEdge {
    param(
        [Parameter(Mandatory)]
        [ValidateSet('NginxVerifyOn', 'NginxVerifyOnHttp1', 'NginxOptionalNoCa', 'NginxApiKey', 'NginxPki', 'NginxPkiTls12', 'HaproxyTls13', 'HaproxyTls12')]
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
    $prefix = New-TestEdgePrefix -Kind $Kind -Authority $Authority -Allowed $Allowed -ServerSubjectAltName $ServerSubjectAltName
    $null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($prefix, 'tmp'))
    $port = Get-FreeTcpPort
    $template = switch -Wildcard ($Kind) {
        'NginxVerifyOn*' { 'nginx-verify-on.conf' }
        'NginxOptionalNoCa' { 'nginx-optional-no-ca.conf' }
        'NginxApiKey' { 'nginx-api-key.conf' }
        'NginxPki*' { 'nginx-pki.conf' }
        default { 'haproxy-verify-required.cfg' }
    }
    $text = [IO.File]::ReadAllText([IO.Path]::Combine((Get-RepoRoot), 'tests', 'Edges', $template))
    $text = $text.Replace('{{PORT}}', [string]$port).Replace('{{PREFIX}}', $prefix).Replace('{{ORG}}', $OrgId).Replace('{{API_KEY}}', $ApiKey)
    $text = $text.Replace('{{HTTP2}}', $(if ($Kind -eq 'NginxVerifyOnHttp1') { '' } else { ' http2' }))
    $text = $text.Replace('{{PROTOCOLS}}', $(if ($Kind -eq 'NginxPkiTls12') { 'TLSv1.2' } else { 'TLSv1.2 TLSv1.3' }))
    $text = $text.Replace('{{TLS_VERSION}}', $(if ($Kind -eq 'HaproxyTls12') { 'ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2' } else { 'ssl-min-ver TLSv1.3' }))
    $config = [IO.Path]::Combine($prefix, $template)
    [IO.File]::WriteAllText($config, $text)
    $arguments = if ($isNginx) { @('-p', $prefix, '-c', $config, '-e', [IO.Path]::Combine($prefix, 'error.log'), '-g', 'daemon off;') } else { @('-f', $config, '-db') }
    Start-TestEdgeProcess -Kind $Kind -FileName $tool -ArgumentList $arguments -Port $port -Prefix $prefix -ConfigPath $config `
        -Authority $Authority -OrgId $OrgId -ApiKey $ApiKey -TimeoutSec $TimeoutSec
}

<#
.SYNOPSIS
    Reloads an nginx edge (SIGHUP) after its configuration or allowed set changed, returning once the old worker
    (which still holds the old set) has exited, so the next connection sees the new one.
#>
function Invoke-TestEdgeReload {
    param([Parameter(Mandatory)] $Edge, [int] $TimeoutSec = 15)
    if ($Edge.Kind -notlike 'Nginx*') { throw 'Invoke-TestEdgeReload reloads nginx only.' }
    $log = [IO.Path]::Combine($Edge.Prefix, 'error.log')
    $exited = { ([regex]::Matches([IO.File]::ReadAllText($log), 'worker process \d+ exited')).Count }
    $before = & $exited
    Send-TestServerSignal $Edge.Process.Id 'HUP'
    Wait-Until { (& $exited) -gt $before } -TimeoutSec $TimeoutSec -Because "nginx to reload ($log)"
}

# "Upload" on a real edge: writes the new allowed set and reloads nginx.
function Update-TestEdgeAllowed {
    param([Parameter(Mandatory)] $Edge, [Parameter(Mandatory)] [string[]] $Allowed, [int] $TimeoutSec = 15)
    Write-TestEdgeAllowedSet -Prefix $Edge.Prefix -Allowed $Allowed
    Invoke-TestEdgeReload -Edge $Edge -TimeoutSec $TimeoutSec
}

# curl with ArgumentList, quiet but for errors and bounded in time, printing the body and then the HTTP status on a line
# of its own. Returns ExitCode, StatusCode (0: no HTTP answer), Body and Error (what curl wrote to stderr).
function Invoke-TestCurlRequest {
    param([Parameter(Mandatory)] [string[]] $ArgumentList)
    $arguments = @('-sS', '--max-time', '10', '-o', '-', '-w', '\n%{http_code}') + $ArgumentList
    $errorFile = [IO.Path]::GetTempFileName()
    try {
        $output = (& (Get-EdgeTool curl) @arguments 2>$errorFile) -join "`n"
        $exit = $LASTEXITCODE
        $errorText = [IO.File]::ReadAllText($errorFile)
    }
    finally { [IO.File]::Delete($errorFile) }
    $status = 0
    $body = $output
    if ($output -match '(?s)^(.*)\n(\d{3})$') { $body = $Matches[1]; $status = [int]$Matches[2] }
    [pscustomobject]@{ ExitCode = $exit; StatusCode = $status; Body = $body; Error = $errorText }
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
    $arguments = @('--cert', $Pair.CertificatePath, '--key', $Pair.KeyPath)
    if (-not $NoCa) { $arguments += @('--cacert', $Edge.CaPath) }
    if ($ApiKey) { $arguments += @('-H', "Authorization: Bearer $ApiKey") }
    if ($Http1) { $arguments += '--http1.1' }
    $arguments += "https://$($HostName):$($Edge.Port)/v4/orgs/$OrgId/mtls/hello"
    $result = Invoke-TestCurlRequest $arguments
    $status = $result.StatusCode
    $verdict = if ($result.ExitCode -eq 60 -and $result.Error -match 'subject name|does not match') { 'ServerNameMismatch' }
    elseif ($result.ExitCode -eq 60) { 'ServerCertificateUntrusted' }
    elseif ($result.ExitCode -ne 0) { 'Refused' }
    elseif ($status -eq 200 -and $result.Body.Trim() -eq 'Hello, world!') { 'Success' }
    elseif ($status -eq 401) { 'ApiKeyRejected' }
    elseif ($status -eq 403 -and $result.Body -match '4030001') { 'WrongOrganization' }
    elseif ($status -in 400, 403, 495, 496) { 'Refused' }
    else { "Unexpected $status" }
    $result | Add-Member -NotePropertyName Verdict -NotePropertyValue $verdict -PassThru
}

Export-ModuleMember -Function Get-EdgeTool, Invoke-EdgeOpenSsl, New-TestEdgeAuthority, New-TestEdgeServerCertificate, New-TestExpiredClientPair, New-TestEdgeFixture,
    Write-TestEdgeAllowedSet, New-TestEdgePrefix, Start-TestEdgeProcess, Start-TestEdge, Invoke-TestEdgeReload, Update-TestEdgeAllowed, Invoke-TestCurlRequest, Invoke-EdgeCurl
