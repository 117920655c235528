# An enterprise CA made with openssl (a root, an intermediate, an expired intermediate) that signs the CSRs the module
# makes, and mTLS edges that trust only that root (Start-TestEdge's NginxPki kinds, and haproxy verify required).
Set-StrictMode -Version 3.0

Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Edges.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'TestModule.psm1'))

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
    Invoke-EdgeOpenSsl @('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', $key, '-out', $csr, '-subj', $Subject)
    Invoke-EdgeOpenSsl @('x509', '-req', '-in', $csr, '-CA', $Root.CertificatePath, '-CAkey', $Root.KeyPath, '-set_serial', [string](Get-Random -Minimum 1000 -Maximum 2000000000),
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
    An mTLS edge (Start-TestEdge) that trusts only -TrustedPath (the company root): Nginx (NginxPki: ssl_verify_depth 2,
    HTTP/2, TLS 1.2 and 1.3, access log with $ssl_client_verify), NginxTls12 (NginxPkiTls12), HaproxyTls13 or
    HaproxyTls12 (verify required). Stop it with Stop-TestServer.
#>
function Start-TestPkiEdge {
    param(
        [Parameter(Mandatory)] [ValidateSet('Nginx', 'NginxTls12', 'HaproxyTls13', 'HaproxyTls12')] [string] $Kind,
        [Parameter(Mandatory)] $ServerAuthority,
        [Parameter(Mandatory)] [string[]] $TrustedPath,
        [string] $OrgId = (Get-TestOrgId),
        [int] $TimeoutSec = 15
    )
    $edgeKind = ($Kind -replace '^Nginx', 'NginxPki')
    Start-TestEdge -Kind $edgeKind -Authority $ServerAuthority -Allowed $TrustedPath -OrgId $OrgId -TimeoutSec $TimeoutSec
}

Export-ModuleMember -Function New-TestPkiAuthority, New-TestPkiIntermediate, Invoke-TestPkiSign, Join-TestPem, Start-TestPkiEdge
