<#
.SYNOPSIS
    Registers a Windows scheduled task that runs the Saleschat certificate upkeep every 15 minutes
    (Watch-SaleschatCertificateExpiry.ps1 over Invoke-SaleschatCertificateMaintenance).
.DESCRIPTION
    The task runs as the account that owns the key files (a gMSA or a service account: -User, with -Password for a
    plain account), whether or not it is logged on, in Windows PowerShell 5.1 or PowerShell 7 (-PowerShell). The
    API key, org and webhook are read by the runbook from the machine's environment (set them for that account,
    e.g. with a Group Policy preference, never in the task's arguments, which any local admin can read).
    The task's "Last Run Result" shows the runbook's exit code: 0 nothing to do or completed, 2 action required
    (upload), 3 waiting for the upload, 4 expired, 5 locked, 1 failed; with SALESCHAT_NOTIFY_URI set, 2, 3 and 4
    are also posted to a chat webhook so a person sees them.
    Supports -WhatIf: nothing is registered, and the task it would register is returned.
.EXAMPLE
    .\Register-SaleschatMaintenanceTask.ps1 -CertificatePath C:\Saleschat\client.crt -KeyPath C:\Saleschat\client.key -User 'CONTOSO\svc-saleschat$'
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)] [string] $CertificatePath,
    [Parameter(Mandatory = $true)] [string] $KeyPath,
    # The account that owns the key files; a name ending in $ is a group managed service account (no password).
    [Parameter(Mandatory = $true)] [string] $User,
    [securestring] $Password,
    [string] $TaskName = 'Saleschat certificate maintenance',
    [ValidateSet('Production', 'UAT')] [string] $Environment = 'Production',
    [ValidateRange(5, 1440)] [int] $EveryMinutes = 15,
    # powershell.exe (5.1) or pwsh.exe (7)
    [ValidateSet('powershell.exe', 'pwsh.exe')] [string] $PowerShell = 'powershell.exe',
    [string] $ScriptPath = (Join-Path $PSScriptRoot '..\runbooks\Watch-SaleschatCertificateExpiry.ps1')
)

$ErrorActionPreference = 'Stop'
$ScriptPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($ScriptPath)
$arguments = '-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}" -CertificatePath "{1}" -KeyPath "{2}" -Environment {3} -AsJson' -f $ScriptPath, $CertificatePath, $KeyPath, $Environment
$action = New-ScheduledTaskAction -Execute $PowerShell -Argument $arguments -WorkingDirectory (Split-Path -Parent $CertificatePath)
$trigger = New-ScheduledTaskTrigger -Once -At (Get-Date).Date -RepetitionInterval (New-TimeSpan -Minutes $EveryMinutes)
# One instance at a time (the module's lock also guards the pair); a run never takes longer than 10 minutes.
$settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Minutes 10) -StartWhenAvailable
# LogonType Password: runs whether or not the account is logged on; a gMSA needs no password (learn.microsoft.com,
# "Group Managed Service Accounts overview": scheduled tasks run as a gMSA with -LogonType Password and no password).
$principal = New-ScheduledTaskPrincipal -UserId $User -LogonType Password -RunLevel Limited
$task = New-ScheduledTask -Action $action -Trigger $trigger -Settings $settings -Principal $principal `
    -Description 'Rotates the Saleschat mTLS client certificate before it expires and promotes it once uploaded (Saleschat.Mtls).'

if (-not $PSCmdlet.ShouldProcess($TaskName, "Register a task running '$PowerShell $arguments' every $EveryMinutes minutes as $User")) {
    return $task
}

if ($User.EndsWith('$') -or -not $Password) {
    Register-ScheduledTask -TaskName $TaskName -InputObject $task -Force
}
else {
    # Register-ScheduledTask takes the password only as text: opened here, for this call only.
    $bstr = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($Password)
    try { Register-ScheduledTask -TaskName $TaskName -InputObject $task -User $User -Password ([Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr)) -Force }
    finally { [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr) }
}
