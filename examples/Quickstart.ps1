<#
.SYNOPSIS
    Saleschat's documented mTLS flow, one command a step: key, certificate, check, upload, hello, API call.
.DESCRIPTION
    Against Saleschat: pass -Environment UAT (or Production), -OrgId (or set SALESCHAT_ORG_ID) and -ApiKey (or
    set SALESCHAT_API_KEY); the script stops at the upload step and tells you what to paste in Settings > mTLS,
    then run it again with -Uploaded and the same -Folder.
    Against a private test host: -BaseUri and -ServerCertificateAuthority (the host's CA, a file path or a
    certificate).
    Offline, from a clone of the repository after `dotnet build -c Release`: -Emulator starts the local
    Saleschat emulator (tests/Saleschat.Emulator), and the whole flow runs end to end with no network:
        dotnet tool run pwsh -NoProfile -File examples/Quickstart.ps1 -Emulator
.EXAMPLE
    ./examples/Quickstart.ps1 -Environment UAT -OrgId $orgId -Folder ./saleschat
.EXAMPLE
    ./examples/Quickstart.ps1 -BaseUri https://mtls.test.example -ServerCertificateAuthority ./test-ca.pem -OrgId org-7 -Uploaded -Folder ./saleschat
.NOTES
    Uses only core cmdlets and .NET, so it runs in Windows PowerShell 5.1 and PowerShell 7. Relative paths are
    relative to the current PowerShell location. Exit code: 0 done (or waiting for the upload), 1 the hello
    call failed.
#>
[CmdletBinding()]
param(
    [ValidateSet('Production', 'UAT')]
    [string] $Environment = 'UAT',
    # The org id; SALESCHAT_ORG_ID when not given. Required (the emulator's org-1 with -Emulator).
    [string] $OrgId = $env:SALESCHAT_ORG_ID,
    # The API key; SALESCHAT_API_KEY when not given. Without it the flow stops after the hello call.
    [securestring] $ApiKey,
    # Where the key and certificate are kept (made if missing); a new temporary folder by default.
    [string] $Folder = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'saleschat-quickstart-' + [guid]::NewGuid().ToString('N').Substring(0, 8)),
    [switch] $Uploaded,
    # A private test host instead of -Environment, and the CA its server certificate chains to.
    [uri] $BaseUri,
    $ServerCertificateAuthority,
    # Run against the repository's local emulator (started here, stopped at the end).
    [switch] $Emulator
)

$ErrorActionPreference = 'Stop'
$emulatorProcess = $null

function Start-QuickstartEmulator {
    # The repository's emulator: prints one JSON line with its addresses, runs until its stdin closes.
    $dll = [IO.Path]::Combine($PSScriptRoot, '..', 'tests', 'Saleschat.Emulator', 'bin', 'Release', 'net10.0', 'Saleschat.Emulator.dll')
    if (-not [IO.File]::Exists($dll)) { throw "The emulator is not built ($dll): run 'dotnet build -c Release' in the repository first." }
    $caPath = [IO.Path]::Combine($Folder, 'emulator-ca.pem')
    $start = New-Object Diagnostics.ProcessStartInfo 'dotnet'
    $start.Arguments = "`"$dll`" --api-key $script:EmulatorKey --org $OrgId --ca-out `"$caPath`""
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true   # its request log: read and dropped
    $process = [Diagnostics.Process]::Start($start)
    $process.BeginErrorReadLine()
    $line = $process.StandardOutput.ReadLine()
    if (-not $line) { throw 'The emulator did not start.' }
    $process
    $line | ConvertFrom-Json
}

try {
    $Folder = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Folder)
    $null = [IO.Directory]::CreateDirectory($Folder)
    if ($Emulator -and -not $OrgId) { $OrgId = 'org-1' }
    if (-not $OrgId) { throw 'Give the org id: -OrgId, or set SALESCHAT_ORG_ID (your org id, as shown in the Saleschat web app).' }
    if (-not $ApiKey -and $env:SALESCHAT_API_KEY) { $ApiKey = ConvertTo-SecureString $env:SALESCHAT_API_KEY -AsPlainText -Force }

    if ($Emulator) {
        # In a clone the module may be only in out/: use it when it is not installed.
        if (-not (Get-Module Saleschat.Mtls) -and -not (Get-Module -ListAvailable Saleschat.Mtls)) {
            Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', 'out', 'Saleschat.Mtls', 'Saleschat.Mtls.psd1'))
        }
        $script:EmulatorKey = 'quickstart-' + [guid]::NewGuid().ToString('N')
        $ApiKey = ConvertTo-SecureString $script:EmulatorKey -AsPlainText -Force
        $emulatorProcess, $addresses = Start-QuickstartEmulator
        $BaseUri = $addresses.baseUri
        $ServerCertificateAuthority = $addresses.caPem
    }
    if (-not (Get-Module Saleschat.Mtls)) { Import-Module Saleschat.Mtls }
    $module = Get-Module Saleschat.Mtls
    "Saleschat.Mtls $($module.Version) from $($module.ModuleBase)"

    $keyPath = [IO.Path]::Combine($Folder, 'saleschat-client.key')
    $certificatePath = [IO.Path]::Combine($Folder, 'saleschat-client.crt')

    '== 1. The private key (RSA 2048, owner-only, never leaves your organisation)'
    if (-not [IO.File]::Exists($keyPath)) {
        New-SaleschatClientKey -Path $keyPath | Out-Host
    }

    '== 2. The self-signed client certificate (SHA-256, one year)'
    if (-not [IO.File]::Exists($certificatePath)) {
        $null = New-SaleschatClientCertificate -KeyPath $keyPath -Path $certificatePath `
            -Organization 'Acme' -Country IN -State Maharashtra -Locality Mumbai
    }
    # Each step's object is shown with its own view: Out-Host per step keeps one table from shaping the next,
    # and nothing is left in the formatter's buffer when the script exits.
    $certificate = Get-SaleschatClientCertificate -Path $certificatePath -KeyPath $keyPath
    $certificate | Out-Host

    '== 3. Checked against Saleschat''s requirements before upload'
    Test-SaleschatClientCertificate -Certificate $certificate -KeyPath $keyPath | Out-Host

    '== 4. Upload the public certificate: Saleschat web app > Settings > mTLS > Upload Certificate'
    $pem = Export-SaleschatClientCertificate -Certificate $certificate
    if ($Emulator) {
        $null = Invoke-RestMethod -Method Post -Uri ([uri]::new([uri]$addresses.controlUri, 'certificates')) -Body $pem -ContentType 'application/x-pem-file'
        'Uploaded to the local emulator (it stands in for the web app).'
    }
    elseif (-not $Uploaded) {
        "Upload $certificatePath, or paste this PEM, then run again with -Uploaded -Folder '$Folder':"
        $pem
        exit 0
    }

    '== 5. Prove the connection: GET /v4/orgs/{orgId}/mtls/hello'
    $sessionArguments = @{ OrgId = $OrgId; Certificate = $certificate }
    if ($ApiKey) { $sessionArguments.ApiKey = $ApiKey }
    if ($BaseUri) { $sessionArguments.BaseUri = $BaseUri } else { $sessionArguments.Environment = $Environment }
    if ($ServerCertificateAuthority) { $sessionArguments.ServerCertificateAuthority = $ServerCertificateAuthority }
    New-SaleschatSession @sessionArguments | Out-Host
    $hello = Test-SaleschatMtls
    $hello | Out-Host
    if (-not $hello.Success) { exit 1 }

    '== 6. Call the API over mTLS with the API key'
    if ($ApiKey) {
        Invoke-SaleschatMtlsRequest -Method Post -Path '/v2/org/{orgId}/contact' -Body @{
            name  = 'Asha Patel'
            phone = '+9198' + [Random]::new().Next(10000000, 99999999)
        } | Out-Host
    }
    else {
        'No API key (-ApiKey or SALESCHAT_API_KEY): skipped.'
    }
    "Done. Key and certificate are in $Folder."
}
finally {
    if ($emulatorProcess) {
        $emulatorProcess.StandardInput.Close()
        if (-not $emulatorProcess.WaitForExit(10000)) { $emulatorProcess.Kill() }
        $emulatorProcess.Dispose()
    }
}
