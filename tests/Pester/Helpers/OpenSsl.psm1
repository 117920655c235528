# openssl as the reference: keys, certificates and pairs made the way Saleschat's documentation makes them.
Set-StrictMode -Version 3.0

Import-Module ([IO.Path]::Combine($PSScriptRoot, 'ChildProcess.psm1'))

$script:DocumentedSubject = '/C=IN/ST=Maharashtra/L=Mumbai/O=Acme/OU=Technology/CN=Acme-saleschat-mtls'

<#
.SYNOPSIS
    Runs the real openssl with a deadline; returns ExitCode and Output (stdout + stderr). -Ok throws with the
    output when openssl fails, and returns the output text.
#>
function Invoke-OpenSsl {
    param(
        [Parameter(Mandatory, Position = 0)] [string[]] $ArgumentList,
        [string] $WorkingDirectory = $PWD.ProviderPath,
        [int] $TimeoutSec = 60,
        [switch] $Ok
    )
    $result = Invoke-TestProgram -FileName openssl -ArgumentList $ArgumentList -WorkingDirectory $WorkingDirectory -TimeoutSec $TimeoutSec
    if ($result.TimedOut) { throw "openssl $($ArgumentList -join ' ') did not finish within $TimeoutSec s." }
    if (-not $Ok) { return $result }
    if ($result.ExitCode -ne 0) { throw "openssl $($ArgumentList -join ' ') failed ($($result.ExitCode)):`n$($result.Output)" }
    $result.Output
}

# `openssl genrsa [extra] -out <Folder>/<Name> <Bits>` (OpenSSL 3 writes PKCS#8), then chmod 600. Returns the path.
function New-OpenSslKey {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [string] $Name = 'client.key',
        [int] $Bits = 2048,
        [string[]] $Extra = @()
    )
    $path = [IO.Path]::Combine($Folder, $Name)
    $null = Invoke-OpenSsl -Ok -WorkingDirectory $Folder (@('genrsa') + $Extra + @('-out', $path, [string]$Bits))
    if (-not $IsWindows) { [IO.File]::SetUnixFileMode($path, [IO.UnixFileMode]'UserRead, UserWrite') }
    $path
}

# The documented `openssl req -x509 -new -key … -days 365 -sha256 -subj …`. Returns the path.
function New-OpenSslCertificate {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [Parameter(Mandatory)] [string] $KeyPath,
        [string] $Name = 'client.crt',
        [string] $Digest = '-sha256',
        [string] $PassIn,
        [string] $Subject = $script:DocumentedSubject,
        [string[]] $Extra = @()
    )
    $path = [IO.Path]::Combine($Folder, $Name)
    $arguments = @('req', '-x509', '-new', '-key', $KeyPath, '-out', $path, '-days', '365', $Digest, '-subj', $Subject) + $Extra
    if ($PassIn) { $arguments += @('-passin', "pass:$PassIn") }
    $null = Invoke-OpenSsl -Ok -WorkingDirectory $Folder $arguments
    $path
}

# A key (-Bits, openssl) and its documented certificate; returns Key, Cert and the certificate's Thumbprint.
function New-OpenSslPair {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [string] $Name = 'client',
        [string[]] $KeyExtra = @(),
        [string] $PassIn
    )
    $null = [IO.Directory]::CreateDirectory($Folder)
    $key = New-OpenSslKey -Folder $Folder -Name "$Name.key" -Extra $KeyExtra
    $cert = New-OpenSslCertificate -Folder $Folder -KeyPath $key -Name "$Name.crt" -PassIn $PassIn
    [pscustomobject]@{ Key = $key; Cert = $cert; Thumbprint = [Security.Cryptography.X509Certificates.X509Certificate2]::new($cert).Thumbprint }
}

<#
.SYNOPSIS
    A key file (PKCS#8, mode 0600) and a 365-day certificate with the module's profile (O=Acme, OU=Technology,
    CN=Acme-saleschat-mtls, CA:FALSE, digitalSignature+keyEncipherment, clientAuth, SHA-256) issued at IssuedUtc,
    made with .NET because the cmdlets (and openssl 3.0's req) cannot date a certificate in the past or future.
#>
function New-TestCertificateIssuedAt {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [Parameter(Mandatory)] [datetime] $IssuedUtc,
        [string] $Name = 'old'
    )
    $null = [IO.Directory]::CreateDirectory($Folder)
    $x509 = 'System.Security.Cryptography.X509Certificates'
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    try {
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new(
            'CN=Acme-saleschat-mtls, OU=Technology, O=Acme', $rsa,
            [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CertificateExtensions.Add((New-Object "$x509.X509BasicConstraintsExtension" $false, $false, 0, $true))
        $request.CertificateExtensions.Add((New-Object "$x509.X509KeyUsageExtension" ([Security.Cryptography.X509Certificates.X509KeyUsageFlags]'DigitalSignature, KeyEncipherment'), $true))
        $usages = [Security.Cryptography.OidCollection]::new()
        $null = $usages.Add([Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.2'))
        $request.CertificateExtensions.Add((New-Object "$x509.X509EnhancedKeyUsageExtension" $usages, $false))
        $request.CertificateExtensions.Add((New-Object "$x509.X509SubjectKeyIdentifierExtension" $request.PublicKey, $false))
        $notBefore = [DateTimeOffset]::new([datetime]::SpecifyKind($IssuedUtc, 'Utc'))
        $certificate = $request.CreateSelfSigned($notBefore, $notBefore.AddDays(365))
        $keyPath = [IO.Path]::Combine($Folder, "$Name.key")
        $certPath = [IO.Path]::Combine($Folder, "$Name.crt")
        [IO.File]::WriteAllText($keyPath, $rsa.ExportPkcs8PrivateKeyPem() + "`n", [Text.Encoding]::ASCII)
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($keyPath, [IO.UnixFileMode]'UserRead, UserWrite') }
        [IO.File]::WriteAllText($certPath, $certificate.ExportCertificatePem() + "`n", [Text.Encoding]::ASCII)
        [pscustomobject]@{ Key = $keyPath; Cert = $certPath; Thumbprint = $certificate.Thumbprint }
        $certificate.Dispose()
    }
    finally { $rsa.Dispose() }
}

function Get-TestDocumentedSubject { $script:DocumentedSubject }

Export-ModuleMember -Function Invoke-OpenSsl, New-OpenSslKey, New-OpenSslCertificate, New-OpenSslPair, New-TestCertificateIssuedAt, Get-TestDocumentedSubject
