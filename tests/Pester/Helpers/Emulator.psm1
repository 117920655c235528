# The Saleschat emulator (tests/Saleschat.Emulator) as a child process, client pairs it trusts, and sessions to it.
Set-StrictMode -Version 3.0

Import-Module ([IO.Path]::Combine($PSScriptRoot, 'TestModule.psm1'))

$script:Configuration = if ($env:SALESCHAT_TEST_CONFIGURATION) { $env:SALESCHAT_TEST_CONFIGURATION } else { 'Release' }

<#
.SYNOPSIS
    Starts the Saleschat emulator (tests/Saleschat.Emulator) as a child process on 127.0.0.1 and waits for its
    address line. Returns BaseUri, ControlUri, CaPath (the server's CA, PEM), CaCertificate, ApiKey, OrgId and
    the process; pass it to Stop-TestEmulator in AfterAll. -ArgumentList passes further emulator options (see its
    --help, e.g. '--protocols', 'Http1'). Works in Windows PowerShell 5.1 too: .NET Framework's ProcessStartInfo has
    no ArgumentList, so the arguments go as one quoted string.
#>
function Start-TestEmulator {
    param(
        [ValidateSet('TlsAlert', 'CloseAfterHandshake', 'Http403', 'NginxPage')] [string] $Refusal,
        [string] $ApiKey = (Get-TestApiKeyText),
        [string[]] $OrgId = @((Get-TestOrgId)),
        [string[]] $Upload = @(),
        [string[]] $ArgumentList = @(),
        [int] $TimeoutSec = 60
    )
    $dll = [IO.Path]::Combine((Get-RepoRoot), 'tests', 'Saleschat.Emulator', 'bin', $script:Configuration, 'net10.0', 'Saleschat.Emulator.dll')
    if (-not [IO.File]::Exists($dll)) { throw "The emulator is not built ($dll): run ./build.ps1 -Task Build first." }
    $caPath = [IO.Path]::Combine([IO.Path]::GetTempPath(), "saleschat-emulator-ca-$([guid]::NewGuid().ToString('n')).pem")
    $arguments = @($dll, '--api-key', $ApiKey, '--ca-out', $caPath)
    foreach ($o in $OrgId) { $arguments += @('--org', $o) }
    foreach ($u in $Upload) { $arguments += @('--upload', $u) }
    if ($Refusal) { $arguments += @('--refusal', $Refusal) }
    $arguments += $ArgumentList
    $start = New-Object Diagnostics.ProcessStartInfo 'dotnet'
    $start.Arguments = (@($arguments | ForEach-Object { '"' + $_ + '"' })) -join ' '
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true   # closing it stops the emulator
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    $errors = $process.StandardError.ReadToEndAsync()
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait($TimeoutSec * 1000) -or -not $line.Result) {
        if (-not $process.HasExited) { $process.Kill() }
        $process.WaitForExit()
        throw "The emulator ($($arguments[1..($arguments.Count - 1)] -join ' ')) did not start within $TimeoutSec s: $($errors.GetAwaiter().GetResult())"
    }
    $addresses = $line.Result | ConvertFrom-Json
    [pscustomobject]@{
        PSTypeName    = 'SaleschatTest.Emulator'
        BaseUri       = [uri]$addresses.baseUri
        ControlUri    = [uri]$addresses.controlUri
        CaPath        = $addresses.caPem
        CaCertificate = New-Object Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $addresses.caPem
        ApiKey        = $ApiKey
        OrgId         = $OrgId[0]
        Process       = $process
        StdErr        = $errors
    }
}

# The emulator is started directly (not through a launcher), so stopping it stops everything it started.
function Stop-TestEmulator {
    param([Parameter(ValueFromPipeline)] $Emulator)
    process {
        if (-not $Emulator) { return }
        $p = $Emulator.Process
        try { $p.StandardInput.Close() } catch { }
        if (-not $p.WaitForExit(10000)) { $p.Kill(); $p.WaitForExit() }
        $p.Dispose()
        if ($Emulator.CaPath -and [IO.File]::Exists($Emulator.CaPath)) { [IO.File]::Delete($Emulator.CaPath) }
    }
}

# "Settings > mTLS > Upload Certificate" on the emulator: registers a public certificate (an object or a PEM file).
function Add-EmulatorCertificate {
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory, ValueFromPipeline)] $Certificate
    )
    process {
        $pem = if ($Certificate -is [Security.Cryptography.X509Certificates.X509Certificate2]) {
            "-----BEGIN CERTIFICATE-----`n" + [Convert]::ToBase64String($Certificate.RawData, 'InsertLineBreaks') + "`n-----END CERTIFICATE-----`n"
        }
        else { [IO.File]::ReadAllText((Resolve-Path -LiteralPath $Certificate).ProviderPath) }
        $null = Invoke-RestMethod -Method Post -Uri ([uri]::new($Emulator.ControlUri, 'certificates')) -Body $pem -ContentType 'application/x-pem-file'
    }
}

function Clear-EmulatorCertificates {
    param([Parameter(Mandatory)] $Emulator)
    $null = Invoke-RestMethod -Method Delete -Uri ([uri]::new($Emulator.ControlUri, 'certificates'))
}

function Get-EmulatorStats {
    param([Parameter(Mandatory)] $Emulator)
    Invoke-RestMethod -Uri ([uri]::new($Emulator.ControlUri, 'stats'))
}

<#
.SYNOPSIS
    Makes a key and a certificate with the module's own cmdlets in Folder (client.key, client.crt), uploads it
    to the emulator unless -NoUpload, and returns the certificate with KeyPath and CertificatePath noted on it.
#>
function New-TestClientPair {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        $Emulator,
        [string] $Name = 'client',
        [int] $ValidityDays = 365,
        [switch] $NoUpload
    )
    $null = [IO.Directory]::CreateDirectory($Folder)
    $key = [IO.Path]::Combine($Folder, "$Name.key")
    $crt = [IO.Path]::Combine($Folder, "$Name.crt")
    $cert = New-SaleschatClientKey -Path $key -Force | New-SaleschatClientCertificate -Organization Acme -ValidityDays $ValidityDays -Path $crt -Force
    if ($Emulator -and -not $NoUpload) { Add-EmulatorCertificate -Emulator $Emulator -Certificate $cert }
    [pscustomobject]@{ Certificate = $cert; KeyPath = $key; CertificatePath = $crt }
}

# A session to the emulator (the module's default session from then on); extra parameters pass through.
function New-TestSession {
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] $Pair,
        [hashtable] $Extra = @{}
    )
    $parameters = @{
        BaseUri                    = $Emulator.BaseUri
        OrgId                      = $Emulator.OrgId
        ApiKey                     = Get-TestApiKey $Emulator.ApiKey
        CertificatePath            = $Pair.CertificatePath
        KeyPath                    = $Pair.KeyPath
        ServerCertificateAuthority = $Emulator.CaCertificate
        RetryIntervalSec           = 0
    }
    foreach ($k in $Extra.Keys) { $parameters[$k] = $Extra[$k] }
    New-SaleschatSession @parameters
}

# How many requests with this key reached the emulator (retries included).
function Get-EmulatorAttempts {
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $Key)
    (Invoke-RestMethod -Uri ([uri]::new($Emulator.ControlUri, "attempts/$Key"))).attempts
}

# A key for the emulator's fault routes: every request carrying it is counted under it (/attempts/{key}).
function New-TestRequestKey { [guid]::NewGuid().ToString('n') }

# A phone number no other test used, for contacts (the emulator refuses a second contact with the same phone).
function New-TestPhone { '+91' + [Random]::Shared.NextInt64(1000000000, 9999999999) }

Export-ModuleMember -Function Start-TestEmulator, Stop-TestEmulator, Add-EmulatorCertificate, Clear-EmulatorCertificates, Get-EmulatorStats, New-TestClientPair, New-TestSession, Get-EmulatorAttempts, New-TestRequestKey, New-TestPhone
