<#
.SYNOPSIS
    Azure Automation-style runbook (Windows PowerShell 5.1 or PowerShell 7): the client certificate comes
    from the OS certificate store, the API key from an encrypted Automation variable; lists contacts with
    retries and reports how many there are.
.DESCRIPTION
    Import the PFX once into the worker's CurrentUser\My (or LocalMachine\My) store. In Azure Automation,
    fetch the key with Get-AutomationVariable and pass it in as -ApiKey:
        $key = ConvertTo-SecureString (Get-AutomationVariable -Name SaleschatApiKey) -AsPlainText -Force
    Unattended (a scheduler, cron, a CI step) leave -ApiKey out and set SALESCHAT_API_KEY (and SALESCHAT_ORG_ID)
    in the job's environment:
        pwsh -NoProfile -File ./Invoke-SaleschatRunbook.ps1 -CertificateThumbprint 3F2A...
    Nothing prompts, so a scheduled run never hangs; a failed call fails the job with the error record
    (exit code 1 under pwsh -File).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $CertificateThumbprint,
    # The org id; SALESCHAT_ORG_ID when not given.
    [string] $OrgId = $env:SALESCHAT_ORG_ID,
    # The API key; SALESCHAT_API_KEY when not given (New-SaleschatSession reads it).
    [securestring] $ApiKey,
    [ValidateSet('Production', 'UAT')] [string] $Environment = 'Production',
    [ValidateSet('CurrentUser', 'LocalMachine')] [string] $StoreLocation = 'CurrentUser',
    # Private test hosts only.
    [uri] $BaseUri,
    # the CA as a certificate or a file path (relative to the current location)
    $ServerCertificateAuthority
)

$ErrorActionPreference = 'Stop'
if (-not $OrgId) { throw 'Give the org id: -OrgId, or set SALESCHAT_ORG_ID.' }
if (-not $ApiKey -and -not $env:SALESCHAT_API_KEY) { throw 'Give the API key: -ApiKey, or set SALESCHAT_API_KEY.' }
$session = @{
    CertificateThumbprint = $CertificateThumbprint
    StoreLocation         = $StoreLocation
    OrgId                 = $OrgId
    MaximumRetryCount     = 5
    RetryIntervalSec      = 2
}
if ($ApiKey) { $session.ApiKey = $ApiKey }
if ($BaseUri) { $session.BaseUri = $BaseUri } else { $session.Environment = $Environment }
if ($ServerCertificateAuthority) { $session.ServerCertificateAuthority = $ServerCertificateAuthority }
$null = New-SaleschatSession @session

$contacts = @(Invoke-SaleschatMtlsRequest -Path '/v2/org/{orgId}/contact')
[pscustomobject]@{
    OrgId     = $OrgId
    Contacts  = $contacts.Count
    CheckedAt = [DateTime]::UtcNow
}
