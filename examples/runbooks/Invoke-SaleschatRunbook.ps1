<#
.SYNOPSIS
    Azure Automation-style runbook (Windows PowerShell 5.1 or PowerShell 7): the client certificate comes
    from the OS certificate store, the API key from an encrypted Automation variable; lists contacts with
    retries and reports how many there are.
.DESCRIPTION
    Import the PFX once into the worker's CurrentUser\My (or LocalMachine\My) store. In Azure Automation,
    fetch the key with Get-AutomationVariable and pass it in as -ApiKey:
        $key = ConvertTo-SecureString (Get-AutomationVariable -Name SaleschatApiKey) -AsPlainText -Force
    Nothing prompts, so a scheduled run never hangs; a failed call fails the job with the error record.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $CertificateThumbprint,
    [Parameter(Mandatory)] [string] $OrgId,
    [Parameter(Mandatory)] [securestring] $ApiKey,
    [ValidateSet('Production', 'UAT')] [string] $Environment = 'Production',
    [ValidateSet('CurrentUser', 'LocalMachine')] [string] $StoreLocation = 'CurrentUser',
    # Private test hosts only.
    [uri] $BaseUri,
    [System.Security.Cryptography.X509Certificates.X509Certificate2] $ServerCertificateAuthority
)

$ErrorActionPreference = 'Stop'
$session = @{
    CertificateThumbprint = $CertificateThumbprint
    StoreLocation         = $StoreLocation
    OrgId                 = $OrgId
    ApiKey                = $ApiKey
    MaximumRetryCount     = 5
    RetryIntervalSec      = 2
}
if ($BaseUri) { $session.BaseUri = $BaseUri } else { $session.Environment = $Environment }
if ($ServerCertificateAuthority) { $session.ServerCertificateAuthority = $ServerCertificateAuthority }
$null = New-SaleschatSession @session

$contacts = @(Invoke-SaleschatMtlsRequest -Path '/v2/org/{orgId}/contact')
[pscustomobject]@{
    OrgId    = $OrgId
    Contacts = $contacts.Count
    CheckedAt = [DateTime]::UtcNow
}
