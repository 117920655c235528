# An enterprise CA made with openssl (a root, an intermediate, an expired intermediate) that signs the CSRs the module
# makes, and mTLS edges that trust only that root (nginx ssl_verify_depth 2, haproxy verify required). Uses the edge
# helpers of SaleschatTestUtils.psm1 (server certificates, allowed set, Stop-TestEdge).

function Invoke-PkiOpenSsl {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    $output = & openssl @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "openssl $($Arguments -join ' ') failed ($LASTEXITCODE): $($output -join ' ')" }
    $output
}

<#
.SYNOPSIS
    The company CA: Root (self-signed), Issuing (an intermediate signed by Root) and, made with .NET since openssl 3.0
    cannot back-date, ExpiredIssuing (an intermediate of Root, with the same name as Issuing, expired 10 days ago).
    Each has CertificatePath and KeyPath.
#>
function New-TestPkiAuthority {
    param([Parameter(Mandatory)] [string] $Folder, [string] $Name = 'Acme')
    $null = [IO.Directory]::CreateDirectory($Folder)
    $root = New-TestPkiRoot -Folder $Folder -Subject "CN=$Name Root CA, O=$Name"
    $issuing = New-TestPkiIntermediate -Folder $Folder -Root $root -Name 'issuing' -Subject "/O=$Name/CN=$Name Issuing CA"
    $expired = New-TestPkiExpiredIntermediate -Folder $Folder -Root $root -Name 'expired-issuing' -Subject "CN=$Name Issuing CA, O=$Name"
    [pscustomobject]@{ Folder = $Folder; Root = $root; Issuing = $issuing; ExpiredIssuing = $expired }
}

# A self-signed root made with .NET, valid from 200 days ago (so an intermediate can have expired under it) for a year.
function New-TestPkiRoot {
    param([Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] [string] $Subject, [string] $Name = 'root')
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new($Subject, $rsa,
        [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('KeyCertSign, CrlSign', $true))
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension]::new($request.PublicKey, $false))
    $now = [DateTimeOffset]::UtcNow
    $certificate = $request.CreateSelfSigned($now.AddDays(-200), $now.AddDays(400))
    $crt = "$Folder/$Name.crt"; $key = "$Folder/$Name.key"
    [IO.File]::WriteAllText($crt, $certificate.ExportCertificatePem() + "`n")
    [IO.File]::WriteAllText($key, $rsa.ExportPkcs8PrivateKeyPem() + "`n")
    $rsa.Dispose(); $certificate.Dispose()
    [pscustomobject]@{ CertificatePath = $crt; KeyPath = $key }
}

function New-TestPkiIntermediate {
    param([Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] $Root, [string] $Name = 'issuing', [string] $Subject, [int] $Days = 365)
    $key = "$Folder/$Name.key"; $csr = "$Folder/$Name.csr"; $crt = "$Folder/$Name.crt"; $ext = "$Folder/$Name.ext"
    [IO.File]::WriteAllText($ext, "basicConstraints=critical,CA:TRUE,pathlen:0`nkeyUsage=critical,keyCertSign,cRLSign`nsubjectKeyIdentifier=hash`nauthorityKeyIdentifier=keyid`n")
    $null = Invoke-PkiOpenSsl @('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', $key, '-out', $csr, '-subj', $Subject)
    $null = Invoke-PkiOpenSsl @('x509', '-req', '-in', $csr, '-CA', $Root.CertificatePath, '-CAkey', $Root.KeyPath, '-set_serial', [string](Get-Random -Minimum 1000 -Maximum 2000000000),
        '-days', [string]$Days, '-sha256', '-extfile', $ext, '-out', $crt)
    [pscustomobject]@{ CertificatePath = $crt; KeyPath = $key }
}

# An intermediate of Root that expired 10 days ago (.NET signs it with Root's key: openssl 3.0's x509 cannot back-date).
function New-TestPkiExpiredIntermediate {
    param([Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] $Root, [string] $Name, [string] $Subject)
    $x509 = [Security.Cryptography.X509Certificates.X509Certificate2]
    $rootCert = $x509::CreateFromPemFile($Root.CertificatePath, $Root.KeyPath)
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new($Subject, $rsa,
        [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $true, 0, $true))
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('KeyCertSign, CrlSign', $true))
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension]::new($request.PublicKey, $false))
    $now = [DateTimeOffset]::UtcNow
    $serial = [byte[]](1..8 | ForEach-Object { Get-Random -Minimum 1 -Maximum 255 })
    $certificate = $request.Create($rootCert, $now.AddDays(-100), $now.AddDays(-10), $serial)
    $crt = "$Folder/$Name.crt"; $key = "$Folder/$Name.key"
    [IO.File]::WriteAllText($crt, $certificate.ExportCertificatePem() + "`n")
    [IO.File]::WriteAllText($key, $rsa.ExportPkcs8PrivateKeyPem() + "`n")
    $rsa.Dispose(); $rootCert.Dispose()
    [pscustomobject]@{ CertificatePath = $crt; KeyPath = $key }
}

<#
.SYNOPSIS
    The CA signs a CSR: `openssl x509 -req -copy_extensions copy` (the CSR's requested clientAuth profile is kept),
    SHA-256, issued by -Issuer (the authority's Issuing CA by default). Returns the certificate path.
#>
function Invoke-TestPkiSign {
    param(
        [Parameter(Mandatory)] $Authority,
        [Parameter(Mandatory)] [string] $CsrPath,
        [Parameter(Mandatory)] [string] $OutPath,
        $Issuer = $Authority.Issuing,
        [int] $Days = 200
    )
    $ext = "$OutPath.ext"
    [IO.File]::WriteAllText($ext, "subjectKeyIdentifier=hash`nauthorityKeyIdentifier=keyid`n")
    $null = Invoke-PkiOpenSsl @('x509', '-req', '-in', $CsrPath, '-CA', $Issuer.CertificatePath, '-CAkey', $Issuer.KeyPath,
        '-set_serial', [string](Get-Random -Minimum 1000 -Maximum 2000000000), '-days', [string]$Days, '-sha256', '-copy_extensions', 'copy', '-extfile', $ext, '-out', $OutPath)
    [IO.File]::Delete($ext)
    $OutPath
}

# Concatenates PEM files (a full-chain PEM, in the order given).
function Join-TestPem {
    param([Parameter(Mandatory)] [string] $OutPath, [Parameter(Mandatory)] [string[]] $Path)
    [IO.File]::WriteAllText($OutPath, (($Path | ForEach-Object { [IO.File]::ReadAllText($_).Trim() + "`n" }) -join ''))
    $OutPath
}

<#
.SYNOPSIS
    An mTLS edge that trusts only -TrustedPath (the company root): Nginx (ssl_verify_depth 2, HTTP/2, TLS 1.2 and 1.3,
    access log with $ssl_client_verify), NginxTls12, HaproxyTls13 or HaproxyTls12 (verify required). Stop it with
    Stop-TestEdge; read nginx's access log with Get-TestPkiAccessLog.
#>
function Start-TestPkiEdge {
    param(
        [Parameter(Mandatory)] [ValidateSet('Nginx', 'NginxTls12', 'HaproxyTls13', 'HaproxyTls12')] [string] $Kind,
        [Parameter(Mandatory)] $ServerAuthority,
        [Parameter(Mandatory)] [string[]] $TrustedPath,
        [string] $OrgId = (Get-TestOrgId),
        [int] $TimeoutSec = 15
    )
    $isNginx = $Kind -like 'Nginx*'
    $tool = Get-EdgeTool $(if ($isNginx) { 'nginx' } else { 'haproxy' })
    $prefix = [IO.Path]::Combine([IO.Path]::GetTempPath(), "saleschat-pki-$($Kind.ToLowerInvariant())-$([guid]::NewGuid().ToString('n').Substring(0, 8))")
    $null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($prefix, 'tmp'))
    $null = New-TestEdgeServerCertificate -Authority $ServerAuthority -Folder $prefix
    Write-TestEdgeAllowedSet -Prefix $prefix -Allowed $TrustedPath
    $port = Get-FreeTcpPort
    $template = if ($isNginx) { 'nginx-pki.conf' } else { 'haproxy-verify-required.cfg' }
    $text = [IO.File]::ReadAllText([IO.Path]::Combine((Get-RepoRoot), 'tests', 'Edges', $template))
    $text = $text.Replace('{{PORT}}', [string]$port).Replace('{{PREFIX}}', $prefix).Replace('{{ORG}}', $OrgId)
    $text = $text.Replace('{{HTTP2}}', ' http2').Replace('{{PROTOCOLS}}', $(if ($Kind -eq 'NginxTls12') { 'TLSv1.2' } else { 'TLSv1.2 TLSv1.3' }))
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
    $edge = [pscustomobject]@{
        Kind = $Kind; BaseUri = [uri]"https://127.0.0.1:$port/"; Port = $port; Prefix = $prefix; OrgId = $OrgId
        CaCertificate = $ServerAuthority.Certificate; CaPath = $ServerAuthority.CertificatePath; Process = $process
        StdOut = $process.StandardOutput.ReadToEndAsync(); StdErr = $process.StandardError.ReadToEndAsync()
    }
    Wait-TestEdgeListening $edge -Name $Kind -TimeoutSec $TimeoutSec
    $edge
}

# nginx's access-log lines (protocol, $ssl_client_verify, the client certificate's subject and issuer, status).
function Get-TestPkiAccessLog {
    param([Parameter(Mandatory)] $Edge)
    $log = [IO.Path]::Combine($Edge.Prefix, 'access.log')
    if ([IO.File]::Exists($log)) { [IO.File]::ReadAllLines($log) } else { @() }
}

Export-ModuleMember -Function New-TestPkiAuthority, New-TestPkiRoot, New-TestPkiIntermediate, New-TestPkiExpiredIntermediate, Invoke-TestPkiSign, Join-TestPem, Start-TestPkiEdge, Get-TestPkiAccessLog
