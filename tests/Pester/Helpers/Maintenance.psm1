# Fixtures for the rotation and scheduled maintenance tests: short-lived pairs, the watch runbook run as a scheduler
# runs it (a child `pwsh -File`) with its exit code and JSON line, and the PEM a rotation prints, copied from its log.
Set-StrictMode -Version 3.0

<#
.SYNOPSIS
    A client pair in the documented profile valid for -Minutes from now (made with .NET: New-SaleschatClientCertificate
    counts in days), key file mode 600, optionally -KeySize 4096 (a slow key for a next pair, to widen a race window).
    Returns Certificate, KeyPath, CertificatePath and Folder.
#>
function New-ShortLivedClientPair {
    param([Parameter(Mandatory)] [string] $Folder, [int] $Minutes = 10, [int] $KeySize = 2048, [string] $Name = 'client')
    $null = [IO.Directory]::CreateDirectory($Folder)
    $rsa = [Security.Cryptography.RSA]::Create($KeySize)
    $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=Acme-saleschat-mtls, OU=Technology, O=Acme', $rsa,
        [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($false, $false, 0, $true))
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('DigitalSignature, KeyEncipherment', $true))
    $eku = [Security.Cryptography.OidCollection]::new(); $null = $eku.Add([Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.2'))
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($eku, $false))
    $now = [DateTimeOffset]::UtcNow
    $certificate = $request.CreateSelfSigned($now.AddMinutes(-1), $now.AddMinutes($Minutes))
    $crt = [IO.Path]::Combine($Folder, "$Name.crt")
    $key = [IO.Path]::Combine($Folder, "$Name.key")
    [IO.File]::WriteAllText($key, $rsa.ExportPkcs8PrivateKeyPem() + "`n")
    if (-not $IsWindows) { [IO.File]::SetUnixFileMode($key, [IO.UnixFileMode]'UserRead, UserWrite') }
    [IO.File]::WriteAllText($crt, $certificate.ExportCertificatePem() + "`n")
    $rsa.Dispose()
    [pscustomobject]@{ Certificate = [Security.Cryptography.X509Certificates.X509Certificate2]::new($crt); KeyPath = $key; CertificatePath = $crt; Folder = $Folder }
}

# The runbook's arguments for a pair against a test host (emulator or edge): relative CA path allowed.
function Get-WatchArguments {
    param([Parameter(Mandatory)] $Pair, [Parameter(Mandatory)] $Server, [int] $RenewBeforeDays = 30, [switch] $AsJson, [string[]] $Extra = @())
    $arguments = @('-CertificatePath', $Pair.CertificatePath, '-KeyPath', $Pair.KeyPath, '-BaseUri', [string]$Server.BaseUri,
        '-OrgId', $Server.OrgId, '-ServerCertificateAuthority', $Server.CaPath, '-RenewBeforeDays', [string]$RenewBeforeDays)
    if ($AsJson) { $arguments += '-AsJson' }
    $arguments + $Extra
}

<#
.SYNOPSIS
    Runs examples/runbooks/Watch-SaleschatCertificateExpiry.ps1 in a child `pwsh -NoProfile -File` (the module found by
    name), as cron or a systemd timer would. Returns ExitCode, Text (stdout and stderr) and, with -AsJson among the
    arguments, Json: the one JSON line parsed (its absence fails the caller's assertions).
#>
function Invoke-WatchRunbook {
    param([Parameter(Mandatory)] [string[]] $ArgumentList, [hashtable] $Environment = @{}, [int] $TimeoutSec = 120)
    $script = [IO.Path]::Combine((Get-RepoRoot), 'examples', 'runbooks', 'Watch-SaleschatCertificateExpiry.ps1')
    $environment = @{ SALESCHAT_API_KEY = (Get-TestApiKeyText) } + $Environment
    $run = Invoke-TestPwsh -File $script -ArgumentList $ArgumentList -Environment $environment -ModuleOnPath -TimeoutSec $TimeoutSec
    $text = Get-TestPwshText $run
    $jsonLines = @($run.StdOut -split "`n" | Where-Object { $_.StartsWith('{"State"') })
    [pscustomobject]@{
        ExitCode  = $run.ExitCode
        Text      = $text
        StdOut    = $run.StdOut
        JsonLines = $jsonLines
        Json      = if ($jsonLines.Count -eq 1) { $jsonLines[0] | ConvertFrom-Json } else { $null }
        TimedOut  = $run.TimedOut
    }
}

# The PEM block(s) a person would copy from a log: the lines from BEGIN to END, exactly as printed.
function Get-PemFromLog {
    param([Parameter(Mandatory)] [string] $Text)
    $lines = $Text -split "`r?`n"
    $start = [Array]::IndexOf($lines, '-----BEGIN CERTIFICATE-----')
    $end = [Array]::IndexOf($lines, '-----END CERTIFICATE-----')
    if ($start -lt 0 -or $end -lt $start) { return $null }
    ($lines[$start..$end] -join "`n") + "`n"
}

# SHA-1 thumbprint of a PEM file as openssl reads it (the proof that a copied PEM is whole).
function Get-OpenSslThumbprint {
    param([Parameter(Mandatory)] [string] $Path)
    $out = & openssl x509 -in $Path -noout -fingerprint -sha1 2>&1
    if ($LASTEXITCODE -ne 0) { return "openssl failed: $out" }
    ($out -replace '^.*=', '' -replace ':', '').Trim()
}

Export-ModuleMember -Function New-ShortLivedClientPair, Get-WatchArguments, Invoke-WatchRunbook, Get-PemFromLog, Get-OpenSslThumbprint
