# An enterprise CA made with openssl (a root, an intermediate, an expired intermediate) that signs the CSRs the module
# makes, and mTLS edges that trust only that root (Start-TestEdge's NginxPki kinds, and haproxy verify required).
Set-StrictMode -Version 3.0

Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Edges.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'TestModule.psm1'))

<#
.SYNOPSIS
    The company CA: Root (self-signed), Issuing (an intermediate signed by Root) and, made with .NET since openssl 3.0
    cannot back-date, ExpiredIssuing (an intermediate of Root, with the same name as Issuing, expired 10 days ago).
    Each has CertificatePath and KeyPath. Server is the CA of the edges' server certificates (New-TestEdgeAuthority):
    Start-TestPkiEdge's edges carry it as CaCertificate, which sessions pass as -ServerCertificateAuthority.
#>
function New-TestPkiAuthority {
    param([Parameter(Mandatory)] [string] $Folder, [string] $Name = 'Acme')
    $null = [IO.Directory]::CreateDirectory($Folder)
    $now = [DateTimeOffset]::UtcNow
    # Valid from 200 days ago, so an intermediate can have expired under it.
    $root = New-TestPkiCa -Folder $Folder -Name 'root' -Subject "CN=$Name Root CA, O=$Name" -NotBefore $now.AddDays(-200) -NotAfter $now.AddDays(400)
    $issuing = New-TestPkiIntermediate -Folder $Folder -Root $root -Name 'issuing' -Subject "/O=$Name/CN=$Name Issuing CA"
    $expired = New-TestPkiCa -Folder $Folder -Name 'expired-issuing' -Subject "CN=$Name Issuing CA, O=$Name" -NotBefore $now.AddDays(-100) -NotAfter $now.AddDays(-10) -Issuer $root
    $server = New-TestEdgeAuthority -Folder ([IO.Path]::Combine($Folder, 'server-ca'))
    [pscustomobject]@{ Folder = $Folder; Root = $root; Issuing = $issuing; ExpiredIssuing = $expired; Server = $server }
}

# A CA certificate made with .NET (openssl 3.0's x509 cannot back-date): self-signed, or an intermediate (path length 0)
# signed with -Issuer's key.
function New-TestPkiCa {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Subject,
        [Parameter(Mandatory)] [DateTimeOffset] $NotBefore,
        [Parameter(Mandatory)] [DateTimeOffset] $NotAfter,
        $Issuer
    )
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new($Subject, $rsa,
        [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, [bool]$Issuer, 0, $true))
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('KeyCertSign, CrlSign', $true))
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension]::new($request.PublicKey, $false))
    if ($Issuer) {
        $issuerCert = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($Issuer.CertificatePath, $Issuer.KeyPath)
        $serial = [byte[]](1..8 | ForEach-Object { Get-Random -Minimum 1 -Maximum 255 })
        $certificate = $request.Create($issuerCert, $NotBefore, $NotAfter, $serial)
        $issuerCert.Dispose()
    }
    else { $certificate = $request.CreateSelfSigned($NotBefore, $NotAfter) }
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
    Invoke-EdgeOpenSsl @('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', $key, '-out', $csr, '-subj', $Subject)
    Invoke-EdgeOpenSsl @('x509', '-req', '-in', $csr, '-CA', $Root.CertificatePath, '-CAkey', $Root.KeyPath, '-set_serial', [string](Get-Random -Minimum 1000 -Maximum 2000000000),
        '-days', [string]$Days, '-sha256', '-extfile', $ext, '-out', $crt)
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
    Invoke-EdgeOpenSsl @('x509', '-req', '-in', $CsrPath, '-CA', $Issuer.CertificatePath, '-CAkey', $Issuer.KeyPath,
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
    An mTLS edge (Start-TestEdge) that trusts only the company root (-Authority's Root), with a server certificate from
    its Server CA: Nginx (NginxPki: ssl_verify_depth 2, HTTP/2, TLS 1.2 and 1.3, access log with $ssl_client_verify),
    NginxTls12 (NginxPkiTls12), HaproxyTls13 or HaproxyTls12 (verify required). Stop it with Stop-TestServer.
#>
function Start-TestPkiEdge {
    param(
        [Parameter(Mandatory)] [ValidateSet('Nginx', 'NginxTls12', 'HaproxyTls13', 'HaproxyTls12')] [string] $Kind,
        [Parameter(Mandatory)] $Authority,
        [string] $OrgId = (Get-TestOrgId),
        [int] $TimeoutSec = 15
    )
    Start-TestEdge -Kind ($Kind -replace '^Nginx', 'NginxPki') -Authority $Authority.Server -Allowed $Authority.Root.CertificatePath -OrgId $OrgId -TimeoutSec $TimeoutSec
}

# The lines of a PKI edge's access log (nginx-pki.conf's format: protocol, verify result, client subject and issuer).
function Get-TestPkiAccessLog {
    param([Parameter(Mandatory)] $Edge)
    $log = [IO.Path]::Combine($Edge.Prefix, 'access.log')
    if ([IO.File]::Exists($log)) { [IO.File]::ReadAllLines($log) } else { @() }
}

Export-ModuleMember -Function New-TestPkiAuthority, New-TestPkiIntermediate, Invoke-TestPkiSign, Join-TestPem, Start-TestPkiEdge, Get-TestPkiAccessLog
