# Throwaway OS users, for files another user could have planted (root only).
Set-StrictMode -Version 3.0

# Why two-user tests cannot run here, or $null when they can (root on Linux with useradd: the CI runner).
function Get-TestOsUserSkipReason {
    if (-not $IsLinux) { return 'needs Linux (useradd, chown)' }
    if ((& id -u) -ne '0') { return 'needs root to create a second OS user (CI runs as root)' }
    if (-not (Get-Command useradd -ErrorAction Ignore)) { return 'useradd is not installed' }
    $null
}

# A throwaway OS user (no home, no login) that owns planted files; remove it with Remove-TestOsUser.
function New-TestOsUser {
    $name = 'schf' + [guid]::NewGuid().ToString('n').Substring(0, 8)
    & useradd --no-create-home --shell /usr/sbin/nologin $name
    if ($LASTEXITCODE -ne 0) { throw "useradd $name failed." }
    $name
}

function Remove-TestOsUser {
    param([string] $Name)
    if ($Name) { & userdel $Name 2>$null }
}

Export-ModuleMember -Function Get-TestOsUserSkipReason, New-TestOsUser, Remove-TestOsUser
