<#
.SYNOPSIS
    Scheduled certificate upkeep for Saleschat mTLS: a thin wrapper over Invoke-SaleschatCertificateMaintenance
    that maps its state to an exit code, for cron, systemd timers, Task Scheduler, Azure Automation and CI schedules.
.DESCRIPTION
    Run it every few minutes or once a day where the key files live; it is safe to run as often as you like (one run
    at a time works on a pair; an overlapping run only looks and says it is locked). It opens a session from the
    pair itself (-NoDefault) for the proof of a waiting next certificate, runs one maintenance step, prints the
    outcome (the PEM and the next command as plain lines when a person must act), optionally posts it to a chat
    webhook, and exits with:

      0  NothingToDo or Completed    nothing is needed from a person
      2  ActionRequired              the rotation was just started: upload the next certificate (UploadFile), or
                                     for a CA-issued pair send the CSR (RequestFile) to your CA
      3  WaitingForUpload            the next certificate is not accepted yet: upload it; or the CA's reply is not
                                     yet at IssuedCertificatePath (the next run takes it, proves it and promotes it)
      4  Expired                     the certificate in use has expired (or is about to, with nothing accepted)
      5  Locked                      another run holds the pair; this one changed nothing
      1  Failed                      an error (its message says what to do); nothing was half-done
.PARAMETER IssuedCertificatePath
    For a CA-issued pair: where the CA's reply to the CSR is saved (default: client.next.issued.pem beside the pair).
.PARAMETER ChainPath
    For a CA-issued pair: the CA certificates of the reply, when the CA returns them in a file of their own.
.PARAMETER NotifyUri
    A chat webhook (Teams, Slack, Google Chat incoming webhook) that gets {"text": "..."} when a person must act
    (exit codes 2, 3 and 4). Its URL is a secret: pass it from the scheduler's secret store or an environment variable.
.EXAMPLE
    pwsh -NoProfile -File ./Watch-SaleschatCertificateExpiry.ps1 -CertificatePath /etc/saleschat/client.crt -KeyPath /etc/saleschat/client.key -AsJson
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $CertificatePath,
    [Parameter(Mandatory)] [string] $KeyPath,
    [securestring] $KeyPassword,
    [Alias('RotateWithinDays')] [int] $RenewBeforeDays = 30,
    [ValidateSet('Production', 'UAT')] [string] $Environment = 'Production',
    [string] $OrgId = $env:SALESCHAT_ORG_ID,
    # Private test hosts only.
    [uri] $BaseUri,
    # the CA as a certificate or a file path (relative to the current location)
    $ServerCertificateAuthority,
    # One JSON line on stdout instead of the list and the plain lines.
    [switch] $AsJson,
    [string] $IssuedCertificatePath,
    [string] $ChainPath,
    [uri] $NotifyUri = $env:SALESCHAT_NOTIFY_URI,
    # Return the status object instead of printing it and exiting (for a calling script).
    [switch] $PassThru
)

$ErrorActionPreference = 'Stop'
$exitCodes = @{ NothingToDo = 0; Completed = 0; ActionRequired = 2; WaitingForUpload = 3; Expired = 4 }
try {
    $pair = @{ CertificatePath = $CertificatePath; KeyPath = $KeyPath }
    if ($KeyPassword) { $pair.KeyPassword = $KeyPassword }

    # The session gives the proof its host, org, API key (SALESCHAT_API_KEY) and server CA. A pair left half-promoted
    # by a killed run does not load as a pair: the maintenance step then finishes it from its journal, without one.
    $sessionParameters = @{ NoDefault = $true; WarningAction = 'SilentlyContinue' } + $pair
    if ($OrgId) { $sessionParameters.OrgId = $OrgId }
    if ($BaseUri) { $sessionParameters.BaseUri = $BaseUri } else { $sessionParameters.Environment = $Environment }
    if ($ServerCertificateAuthority) { $sessionParameters.ServerCertificateAuthority = $ServerCertificateAuthority }
    $maintenance = @{ RenewBeforeDays = $RenewBeforeDays; AsJson = [bool]$AsJson } + $pair
    if ($IssuedCertificatePath) { $maintenance.IssuedCertificatePath = $IssuedCertificatePath }
    if ($ChainPath) { $maintenance.ChainPath = $ChainPath }
    try { $maintenance.Session = New-SaleschatSession @sessionParameters }
    catch { if ($_.FullyQualifiedErrorId -notlike 'CertificateKeyMismatch,*') { throw } }

    $output = Invoke-SaleschatCertificateMaintenance @maintenance
    $result = if ($AsJson) { $output | ConvertFrom-Json } else { $output }
    $code = if ($result.Locked) { 5 } else { $exitCodes[[string]$result.State] }
}
catch {
    # One line a scheduler's log keeps: the error id and the message that says what to do.
    [Console]::Error.WriteLine("Failed: $($_.FullyQualifiedErrorId): $($_.Exception.Message)")
    if ($PassThru) { throw }
    exit 1
}

if ($NotifyUri -and $code -in 2, 3, 4) {
    # A person must act: say what, where, and how many days are left. The PEM is public; the file is the usual upload.
    $text = "Saleschat mTLS on $([Environment]::MachineName): $($result.State) - $($result.NextStep)"
    try { $null = Invoke-RestMethod -Method Post -Uri $NotifyUri -ContentType 'application/json' -Body (@{ text = $text } | ConvertTo-Json -Compress) -TimeoutSec 30 }
    catch { [Console]::Error.WriteLine("Could not post to the webhook: $($_.Exception.Message)") }
}

if ($PassThru) { return $result }
# The JSON line is a string: written as output, a calling script (`$line = & ./Watch-…`) gets it. The status object goes
# through Out-Default before exit: under pwsh -File, objects still waiting in the formatter are lost at exit.
if ($AsJson) { $output } else { $output | Out-Default }
exit $code
