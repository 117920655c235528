<#
.SYNOPSIS
    Azure Automation runbook (PowerShell 7.x or 5.1 runtime) for the Saleschat certificate upkeep, on a Hybrid
    Runbook Worker where the key files live. Link it to a schedule (every hour is plenty; it is idempotent and locked).
.DESCRIPTION
    Reads the API key, org id and chat webhook from Automation variables (encrypted variables for the secrets),
    runs one Invoke-SaleschatCertificateMaintenance step, writes its JSON line to the job output, posts "action
    required" / "waiting" / "expired" to the webhook so a person sees it, and fails the job (throw) when the
    certificate has expired or the step failed, so the job shows as Failed and Azure Monitor alerts can fire.
    Automation variables: SaleschatApiKey (encrypted), SaleschatOrgId, SaleschatNotifyUri (encrypted, optional).
#>
param(
    [Parameter(Mandatory = $true)] [string] $CertificatePath,
    [Parameter(Mandatory = $true)] [string] $KeyPath,
    [ValidateSet('Production', 'UAT')] [string] $Environment = 'Production',
    [int] $RenewBeforeDays = 30,
    # Private test hosts only.
    [uri] $BaseUri,
    [string] $ServerCertificateAuthority
)

$ErrorActionPreference = 'Stop'
$apiKey = Get-AutomationVariable -Name 'SaleschatApiKey'
$orgId = Get-AutomationVariable -Name 'SaleschatOrgId'
$notifyUri = Get-AutomationVariable -Name 'SaleschatNotifyUri' -ErrorAction SilentlyContinue

$session = @{
    OrgId           = $orgId
    ApiKey          = ConvertTo-SecureString -String $apiKey -AsPlainText -Force
    CertificatePath = $CertificatePath
    KeyPath         = $KeyPath
    NoDefault       = $true
    WarningAction   = 'SilentlyContinue'
}
if ($BaseUri) { $session.BaseUri = $BaseUri } else { $session.Environment = $Environment }
if ($ServerCertificateAuthority) { $session.ServerCertificateAuthority = $ServerCertificateAuthority }
$step = @{ CertificatePath = $CertificatePath; KeyPath = $KeyPath; RenewBeforeDays = $RenewBeforeDays; AsJson = $true }
# A pair left half-promoted by a killed run does not load as a pair: the step then finishes it from its journal.
try { $step.Session = New-SaleschatSession @session }
catch { if ($_.FullyQualifiedErrorId -notlike 'CertificateKeyMismatch,*') { throw } }

$json = Invoke-SaleschatCertificateMaintenance @step
Write-Output $json
$result = $json | ConvertFrom-Json
if ($notifyUri -and -not $result.Locked -and $result.State -in 'ActionRequired', 'WaitingForUpload', 'Expired') {
    $text = "Saleschat mTLS (Azure Automation, $env:COMPUTERNAME): $($result.State) - $($result.NextStep)"
    $null = Invoke-RestMethod -Method Post -Uri $notifyUri -ContentType 'application/json' -Body (@{ text = $text } | ConvertTo-Json -Compress) -TimeoutSec 30
}
if ($result.State -eq 'Expired') { throw "The Saleschat client certificate has expired or is about to: $($result.NextStep)" }
