# Child processes as schedulers and CI start them: every child gets its ProcessStartInfo from New-TestProcessStartInfo
# (pwsh through Invoke-TestPwsh), is started by Start-TestChildProcess and stopped, with its real process, by Stop-TestPwsh.
Set-StrictMode -Version 3.0

Import-Module ([IO.Path]::Combine($PSScriptRoot, 'TestModule.psm1'))

# The pwsh that runs this suite, started as `dotnet <pwsh.dll>` (not through the .NET tool's launcher), so a test
# that kills it kills the real process and nothing is left running.
function Get-PwshCommandLine {
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $exe = $process.MainModule.FileName
    $pwshDll = [IO.Path]::Combine($PSHOME, 'pwsh.dll')
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet' -and [IO.File]::Exists($pwshDll)) {
        return [pscustomobject]@{ FileName = $exe; Prefix = @($pwshDll) }
    }
    [pscustomobject]@{ FileName = $exe; Prefix = @() }
}

<#
.SYNOPSIS
    The ProcessStartInfo of a child program as a scheduler or a CI step starts it: all three streams redirected
    (stdin to close, so nothing can prompt), no colour codes (NO_COLOR, TERM=dumb), a chosen working directory,
    -Environment entries set ($null removes one), and optionally a umask, through `sh -c 'umask …; exec "$@"'`
    (.NET cannot set a child's umask; exec keeps the process the program itself, so Kill() reaches it).
#>
function New-TestProcessStartInfo {
    param(
        [Parameter(Mandatory)] [string] $FileName,
        [string[]] $ArgumentList = @(),
        [string] $WorkingDirectory = $PWD.ProviderPath,
        [hashtable] $Environment = @{},
        [string] $Umask
    )
    if ($Umask) {
        $start = [Diagnostics.ProcessStartInfo]::new('sh')
        $arguments = @('-c', "umask $Umask; exec `"`$@`"", 'sh', $FileName) + $ArgumentList
    }
    else {
        $start = [Diagnostics.ProcessStartInfo]::new($FileName)
        $arguments = $ArgumentList
    }
    foreach ($a in $arguments) { $start.ArgumentList.Add($a) }
    $start.WorkingDirectory = $WorkingDirectory
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    # A plain terminal-less run: no colour codes in what the test reads.
    $start.Environment['NO_COLOR'] = '1'
    $start.Environment['TERM'] = 'dumb'
    foreach ($name in $Environment.Keys) {
        if ($null -eq $Environment[$name]) { $null = $start.Environment.Remove($name) } else { $start.Environment[$name] = [string]$Environment[$name] }
    }
    $start
}

<#
.SYNOPSIS
    Starts a child from a ProcessStartInfo (New-TestProcessStartInfo), closes its stdin and reads both streams as
    they come, so a chatty child never blocks on a full pipe. Returns Process, StdOut and StdErr (tasks); pass the
    result to Stop-TestPwsh, which waits with a deadline.
#>
function Start-TestChildProcess {
    param([Parameter(Mandatory)] [Diagnostics.ProcessStartInfo] $StartInfo)
    $process = [Diagnostics.Process]::Start($StartInfo)
    $process.StandardInput.Close()
    [pscustomobject]@{
        Process = $process
        StdOut  = $process.StandardOutput.ReadToEndAsync()
        StdErr  = $process.StandardError.ReadToEndAsync()
    }
}

<#
.SYNOPSIS
    Runs a script (-File, with -ArgumentList) or a command (-Command) in a fresh `pwsh -NoProfile -NonInteractive`,
    or pwsh with exactly -PwshArgumentList (what a CI runner passes after `pwsh`, e.g. -command ". 'step.ps1'"),
    as a scheduler or a CI step would: the real pwsh (Get-PwshCommandLine), set up like every other child
    (New-TestProcessStartInfo: no prompt, a chosen working directory, -Environment, -Umask), killed after a deadline.
    Returns ExitCode, StdOut, StdErr and TimedOut; with -NoWait, returns at once what Start-TestChildProcess returns
    (Process, StdOut and StdErr tasks) for Stop-TestPwsh, so a test can run children side by side or kill one mid-work.
#>
function Invoke-TestPwsh {
    [CmdletBinding(DefaultParameterSetName = 'Command')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'File')] [string] $File,
        [Parameter(ParameterSetName = 'File')] [string[]] $ArgumentList = @(),
        [Parameter(Mandatory, ParameterSetName = 'Command')] [string] $Command,
        [Parameter(Mandatory, ParameterSetName = 'Arguments')] [string[]] $PwshArgumentList,
        [string] $WorkingDirectory = $PWD.ProviderPath,
        [hashtable] $Environment = @{},
        [int] $TimeoutSec = 120,
        # Makes the module importable by name, as an installed module is.
        [switch] $ModuleOnPath,
        [string] $Umask,
        [switch] $NoWait
    )
    $pwsh = Get-PwshCommandLine
    $arguments = switch ($PSCmdlet.ParameterSetName) {
        'File' { @('-NoProfile', '-NonInteractive', '-File', $File) + $ArgumentList }
        'Command' { @('-NoProfile', '-NonInteractive', '-Command', $Command) }
        'Arguments' { $PwshArgumentList }
    }
    $childEnvironment = @{} + $Environment
    if ($ModuleOnPath -and -not $Environment.ContainsKey('PSModulePath')) {
        $modules = [IO.Path]::Combine((Get-RepoRoot), 'out')
        $childEnvironment['PSModulePath'] = $modules + [IO.Path]::PathSeparator + [Environment]::GetEnvironmentVariable('PSModulePath')
    }
    $start = New-TestProcessStartInfo -FileName $pwsh.FileName -ArgumentList (@($pwsh.Prefix) + $arguments) -WorkingDirectory $WorkingDirectory -Environment $childEnvironment -Umask $Umask
    $child = Start-TestChildProcess -StartInfo $start
    if ($NoWait) { return $child }
    Stop-TestPwsh -Child $child -TimeoutSec $TimeoutSec
}

# The text a console user sees: the child's stdout and stderr together, colour codes removed.
function Get-TestPwshText {
    param([Parameter(Mandatory)] $Run)
    ($Run.StdOut + $Run.StdErr) -replace "$([char]27)\[[0-9;]*m", ''
}

# Invoke-TestPwsh -NoWait for a -Command: starts the child and returns at once; pass the result to Stop-TestPwsh.
function Start-TestPwsh {
    param([Parameter(Mandatory)] [string] $Command, [string] $Umask, [string] $WorkingDirectory = $PWD.ProviderPath)
    Invoke-TestPwsh -NoWait @PSBoundParameters
}

# Waits for a Start-TestPwsh or Start-TestChildProcess child (killing it after the deadline) and returns ExitCode, StdOut, StdErr, TimedOut.
function Stop-TestPwsh {
    param([Parameter(Mandatory)] $Child, [int] $TimeoutSec = 120)
    $process = $Child.Process
    try {
        $timedOut = -not $process.WaitForExit($TimeoutSec * 1000)
        if ($timedOut) { $process.Kill($true); $process.WaitForExit() }
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            StdOut   = $Child.StdOut.GetAwaiter().GetResult()
            StdErr   = $Child.StdErr.GetAwaiter().GetResult()
            TimedOut = $timedOut
        }
    }
    finally { $process.Dispose() }
}

<#
.SYNOPSIS
    Runs a program (openssl, curl, …) to its end, set up like every other child (New-TestProcessStartInfo), with a
    deadline after which it is killed. Returns ExitCode, Output (stdout, then stderr) and TimedOut.
#>
function Invoke-TestProgram {
    param(
        [Parameter(Mandatory)] [string] $FileName,
        [string[]] $ArgumentList = @(),
        [string] $WorkingDirectory = $PWD.ProviderPath,
        [int] $TimeoutSec = 60
    )
    $start = New-TestProcessStartInfo -FileName $FileName -ArgumentList $ArgumentList -WorkingDirectory $WorkingDirectory
    $run = Stop-TestPwsh -Child (Start-TestChildProcess -StartInfo $start) -TimeoutSec $TimeoutSec
    [pscustomobject]@{ ExitCode = $run.ExitCode; Output = $run.StdOut + $run.StdErr; TimedOut = $run.TimedOut }
}

Export-ModuleMember -Function Invoke-TestProgram, Get-PwshCommandLine, New-TestProcessStartInfo, Start-TestChildProcess, Invoke-TestPwsh, Get-TestPwshText, Start-TestPwsh, Stop-TestPwsh
