<#
.SYNOPSIS
    Saleschat's documented mTLS flow, one command a step: key, certificate, check, upload, hello, API call.
.DESCRIPTION
    Against Saleschat: pass -Environment UAT (or Production), -OrgId and -ApiKey; the script stops at the
    upload step and tells you what to paste in Settings > mTLS, then run it again with -Uploaded.
    Offline: the repository's runner passes -Emulator (a local stand-in for Saleschat), and the whole
    flow runs end to end with no network:
        dotnet run --project tests/Saleschat.Mtls.Host -c Release -- examples/Quickstart.ps1 --emulator
.NOTES
    Uses only core cmdlets and .NET, so it runs in Windows PowerShell 5.1, PowerShell 7 and the test host.
#>
[CmdletBinding()]
param(
    [ValidateSet('Production', 'UAT')]
    [string] $Environment = 'UAT',
    [string] $OrgId = 'org-1',
    [securestring] $ApiKey,
    [string] $Folder = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'saleschat-quickstart-' + [guid]::NewGuid().ToString('N').Substring(0, 8)),
    [switch] $Uploaded,
    # The local emulator the test host passes with --emulator; not for real use.
    [object] $Emulator
)

$ErrorActionPreference = 'Stop'
$null = [IO.Directory]::CreateDirectory($Folder)
$keyPath = [IO.Path]::Combine($Folder, 'saleschat-client.key')
$certificatePath = [IO.Path]::Combine($Folder, 'saleschat-client.crt')

'== 1. The private key (RSA 2048, owner-only, never leaves your organisation)'
if (-not [IO.File]::Exists($keyPath)) {
    New-SaleschatClientKey -Path $keyPath | Out-Default
}

'== 2. The self-signed client certificate (SHA-256, one year)'
if (-not [IO.File]::Exists($certificatePath)) {
    $null = New-SaleschatClientCertificate -KeyPath $keyPath -Path $certificatePath `
        -Organization 'Acme' -Country IN -State Maharashtra -Locality Mumbai
}
# Each step's object is shown with its own view: Out-Default per step keeps one table from shaping the next.
$certificate = Get-SaleschatClientCertificate -Path $certificatePath -KeyPath $keyPath
$certificate | Out-Default

'== 3. Checked against Saleschat''s requirements before upload'
Test-SaleschatClientCertificate -Certificate $certificate -KeyPath $keyPath | Out-Default

'== 4. Upload the public certificate: Saleschat web app > Settings > mTLS > Upload Certificate'
$pem = Export-SaleschatClientCertificate -Certificate $certificate
if ($Emulator) {
    $Emulator.Upload($pem)
    "Uploaded to the local emulator (it stands in for the web app)."
}
elseif (-not $Uploaded) {
    "Upload $certificatePath, or paste this PEM, then run again with -Uploaded -Folder '$Folder':"
    $pem
    return
}

'== 5. Prove the connection: GET /v4/orgs/{orgId}/mtls/hello'
$sessionArguments = @{ OrgId = $OrgId; Certificate = $certificate }
if ($ApiKey) { $sessionArguments.ApiKey = $ApiKey }
if ($Emulator) {
    $sessionArguments.BaseUri = $Emulator.BaseUri
    $sessionArguments.ServerCertificateAuthority = $Emulator.CaCertificate
}
else {
    $sessionArguments.Environment = $Environment
}
New-SaleschatSession @sessionArguments | Out-Default
$hello = Test-SaleschatMtls
$hello | Out-Default
if (-not $hello.Success) { exit 1 }

'== 6. Call the API over mTLS with the API key'
if ($Emulator -or $ApiKey) {
    Invoke-SaleschatMtlsRequest -Method Post -Path '/v2/org/{orgId}/contact' -Body @{
        name  = 'Asha Patel'
        phone = '+9198' + [Random]::new().Next(10000000, 99999999)
    } | Out-Default
}
"Done. Key and certificate are in $Folder."
