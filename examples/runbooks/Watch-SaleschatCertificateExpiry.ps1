<#
.SYNOPSIS
    Daily runbook: keeps the Saleschat client certificate from expiring unnoticed. Starts a rotation
    -RotateWithinDays before expiry, tells the team what to upload, and completes the rotation once the
    next certificate is accepted.
.DESCRIPTION
    Run it on a schedule where the key files live. It writes one object (Action, DaysUntilExpiry,
    NextStep, Pem) and exits with 0 when nothing is needed from a person, 1 when someone must upload the
    next certificate in Settings > mTLS (so the pipeline or the runbook's alert goes red).
      Action None              more than -RotateWithinDays days left
      Action RotationStarted   the next key and certificate were just made: upload Pem
      Action AwaitingUpload    the next certificate is not accepted yet: upload Pem
      Action RotationCompleted the next certificate was accepted and promoted
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $CertificatePath,
    [Parameter(Mandatory)] [string] $KeyPath,
    [securestring] $KeyPassword,
    [int] $RotateWithinDays = 30,
    [ValidateSet('Production', 'UAT')] [string] $Environment = 'Production',
    [string] $OrgId = $env:SALESCHAT_ORG_ID,
    # Private test hosts only.
    [uri] $BaseUri,
    # the CA as a certificate or a file path (relative to the current location)
    $ServerCertificateAuthority,
    # Return the outcome object instead of printing it (for a calling script).
    [switch] $PassThru
)

$ErrorActionPreference = 'Stop'
# [IO.File] and [IO.Path] resolve relative paths against the process's directory, not the PowerShell location.
$CertificatePath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($CertificatePath)
$KeyPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($KeyPath)
$pair = @{ CertificatePath = $CertificatePath; KeyPath = $KeyPath }
if ($KeyPassword) { $pair.KeyPassword = $KeyPassword }

# The outcome goes through Out-Default before the script exits: under pwsh -File, objects still waiting in the
# table formatter are lost at exit. -PassThru returns the object instead, for a calling script.
function Write-Outcome([string] $Action, $Rotation, [int] $Days) {
    $outcome = [pscustomobject]@{
        Action          = $Action
        DaysUntilExpiry = $Days
        NextStep        = if ($Rotation) { $Rotation.NextStep } else { "Nothing to do: $Days days left." }
        Pem             = if ($Rotation -and $Action -ne 'RotationCompleted') { $Rotation.Pem } else { $null }
    }
    if ($PassThru) { return $outcome }
    $outcome | Format-List Action, DaysUntilExpiry | Out-Default
    # What a person copies is written as plain strings, which PowerShell prints unwrapped from the first column; as
    # list values they would be hard-wrapped with an indent, and the PEM copied from the log would not parse.
    @('NextStep:', $outcome.NextStep, '') | Out-Default
    if ($outcome.Pem) { @($outcome.Pem.TrimEnd(), '') | Out-Default }
}

$nextCertificatePath = [IO.Path]::Combine([IO.Path]::GetDirectoryName($CertificatePath),
    [IO.Path]::GetFileNameWithoutExtension($CertificatePath) + '.next' + [IO.Path]::GetExtension($CertificatePath))
$current = Get-SaleschatClientCertificate -Path $CertificatePath -KeyPath $KeyPath -KeyPassword $KeyPassword -ErrorAction Continue
$days = (Test-SaleschatClientCertificate -Certificate $current).DaysUntilExpiry

if ([IO.File]::Exists($nextCertificatePath)) {
    # A rotation is pending: complete it if the next certificate is accepted by now.
    $session = @{ Certificate = $current; OrgId = $OrgId }
    if ($BaseUri) { $session.BaseUri = $BaseUri } else { $session.Environment = $Environment }
    if ($ServerCertificateAuthority) { $session.ServerCertificateAuthority = $ServerCertificateAuthority }
    $null = New-SaleschatSession @session -WarningAction SilentlyContinue
    try {
        $done = Complete-SaleschatCertificateRotation @pair
        Write-Outcome 'RotationCompleted' $done $done.CurrentCertificate.DaysUntilExpiry
        exit 0
    }
    catch {
        if ($_.FullyQualifiedErrorId -notlike 'NextCertificateNotAccepted,*') { throw }
        Write-Outcome 'AwaitingUpload' (Start-SaleschatCertificateRotation @pair) $days
        exit 1
    }
}

if ($days -le $RotateWithinDays) {
    Write-Outcome 'RotationStarted' (Start-SaleschatCertificateRotation @pair) $days
    exit 1
}

Write-Outcome 'None' $null $days
exit 0
