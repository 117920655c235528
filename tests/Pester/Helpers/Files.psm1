# Folders, file snapshots and key-material checks: proof that a call changed nothing and leaked nothing.
Set-StrictMode -Version 3.0

<#
.SYNOPSIS
    Whether a private key leaked into text: any PEM private-key armour, or any base64 line (32+ characters) of
    the key's PEM body.
#>
function Test-KeyMaterialVisible {
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Text, [Parameter(Mandatory)] [string] $KeyPem)
    if ($Text.Contains('PRIVATE KEY-----')) { return $true }
    foreach ($line in $KeyPem.Split("`n")) {
        $line = $line.Trim()
        if ($line.Length -ge 32 -and -not $line.StartsWith('-----') -and $Text.Contains($line)) { return $true }
    }
    $false
}

# The names and SHA-256 of every file in a folder, to prove that a failed call changed nothing and left nothing.
function Get-FolderSnapshot {
    param([Parameter(Mandatory)] [string] $Folder)
    @(Get-ChildItem -LiteralPath $Folder -File -Force | Sort-Object Name | ForEach-Object {
        '{0} {1}' -f $_.Name, (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash
    })
}

# A fresh, empty folder under Parent (usually $TestDrive), so each It sees only its own files.
function New-TestFolder {
    param([Parameter(Mandatory)] [string] $Parent)
    $path = [IO.Path]::Combine($Parent, [guid]::NewGuid().ToString('n').Substring(0, 12))
    [IO.Directory]::CreateDirectory($path).FullName
}

<#
.SYNOPSIS
    Runs a script block the way a runbook line runs, and sorts everything it wrote: Output, Errors (non-terminating
    ones and the terminating one, if any), Warnings and Verbose. A test can then assert "exactly one error and no
    output" whichever way the cmdlet reported it.
#>
function Invoke-TestCommand {
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    $all = @()
    $thrown = @()
    try { $all = @(& $ScriptBlock *>&1) }
    catch { $thrown = @($_) }
    $isStream = { $_ -is [Management.Automation.ErrorRecord] -or $_ -is [Management.Automation.WarningRecord] -or
        $_ -is [Management.Automation.VerboseRecord] -or $_ -is [Management.Automation.DebugRecord] -or $_ -is [Management.Automation.InformationRecord] }
    $output = @($all | Where-Object { -not (& $isStream) })
    $errors = @($all | Where-Object { $_ -is [Management.Automation.ErrorRecord] }) + $thrown
    $warnings = @($all | Where-Object { $_ -is [Management.Automation.WarningRecord] } | ForEach-Object Message)
    $verbose = @($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
    [pscustomobject]@{ Output = $output; Errors = $errors; Warnings = $warnings; Verbose = $verbose }
}
# One check for both names the suite has used.
Set-Alias -Name Test-ContainsKeyMaterial -Value Test-KeyMaterialVisible


Export-ModuleMember -Function Test-KeyMaterialVisible, Get-FolderSnapshot, New-TestFolder, Invoke-TestCommand -Alias Test-ContainsKeyMaterial
