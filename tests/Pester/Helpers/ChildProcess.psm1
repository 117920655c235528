# Child processes as schedulers and CI start them: every child gets its ProcessStartInfo from New-TestProcessStartInfo
# (pwsh through New-TestPwshStartInfo), is started by Start-TestChildProcess and stopped, with its real process, by Stop-TestPwsh.
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
    The ProcessStartInfo of a child `pwsh -NoProfile -NonInteractive` running -File (with -ArgumentList) or
    -Command: the real pwsh (Get-PwshCommandLine), built by New-TestProcessStartInfo. -ModuleOnPath makes the
    module importable by name, as an installed module is.
#>
function New-TestPwshStartInfo {
    [CmdletBinding(DefaultParameterSetName = 'Command')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'File')] [string] $File,
        [Parameter(ParameterSetName = 'File')] [string[]] $ArgumentList = @(),
        [Parameter(Mandatory, ParameterSetName = 'Command')] [string] $Command,
        [string] $WorkingDirectory = $PWD.ProviderPath,
        [hashtable] $Environment = @{},
        [string] $Umask,
        [switch] $ModuleOnPath
    )
    $pwsh = Get-PwshCommandLine
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive')
    if ($PSCmdlet.ParameterSetName -eq 'File') { $arguments += @('-File', $File) + $ArgumentList }
    else { $arguments += @('-Command', $Command) }
    $childEnvironment = @{} + $Environment
    if ($ModuleOnPath -and -not $Environment.ContainsKey('PSModulePath')) {
        $modules = [IO.Path]::Combine((Get-RepoRoot), 'out')
        $childEnvironment['PSModulePath'] = $modules + [IO.Path]::PathSeparator + [Environment]::GetEnvironmentVariable('PSModulePath')
    }
    New-TestProcessStartInfo -FileName $pwsh.FileName -ArgumentList $arguments -WorkingDirectory $WorkingDirectory -Environment $childEnvironment -Umask $Umask
}

<#
.SYNOPSIS
    Starts a child from a ProcessStartInfo (New-TestProcessStartInfo, New-TestPwshStartInfo), closes its stdin and
    reads both streams as they come, so a chatty child never blocks on a full pipe. Returns Process, StdOut and
    StdErr (tasks); pass the result to Stop-TestPwsh, which waits with a deadline.
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
    Runs a script or a command in a fresh `pwsh -NoProfile`, as a scheduler or a CI step would: no prompt
    (stdin closed), a chosen working directory and window width, a deadline after which the process is killed.
    Returns ExitCode, StdOut, StdErr and TimedOut.
#>
function Invoke-TestPwsh {
    [CmdletBinding(DefaultParameterSetName = 'Command')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'File')] [string] $File,
        [Parameter(ParameterSetName = 'File')] [string[]] $ArgumentList = @(),
        [Parameter(Mandatory, ParameterSetName = 'Command')] [string] $Command,
        [string] $WorkingDirectory = $PWD.ProviderPath,
        [hashtable] $Environment = @{},
        [int] $TimeoutSec = 120,
        # Makes the module importable by name, as an installed module is.
        [switch] $ModuleOnPath,
        [string] $Umask
    )
    $startParameters = [hashtable]::new($PSBoundParameters)
    $null = $startParameters.Remove('TimeoutSec')
    Stop-TestPwsh -Child (Start-TestChildProcess -StartInfo (New-TestPwshStartInfo @startParameters)) -TimeoutSec $TimeoutSec
}

# The text a console user sees: the child's stdout and stderr together, colour codes removed.
function Get-TestPwshText {
    param([Parameter(Mandatory)] $Run)
    ($Run.StdOut + $Run.StdErr) -replace "$([char]27)\[[0-9;]*m", ''
}

<#
.SYNOPSIS
    Starts a child pwsh running -Command and returns at once (Process, StdOut and StdErr tasks), for tests that
    run children side by side or kill one mid-work. The process is the real dotnet process (Get-PwshCommandLine),
    so Kill() is a kill -9 of the pwsh itself. Pass the result to Stop-TestPwsh, which waits with a deadline.
#>
function Start-TestPwsh {
    param([Parameter(Mandatory)] [string] $Command, [string] $Umask, [string] $WorkingDirectory = $PWD.ProviderPath)
    Start-TestChildProcess -StartInfo (New-TestPwshStartInfo @PSBoundParameters)
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

# Invoke-TestPwsh -Command under a umask (e.g. '000'): the mode a user with a loose umask would get.
function Invoke-TestPwshUmask {
    param([Parameter(Mandatory)] [string] $Umask, [Parameter(Mandatory)] [string] $Command, [int] $TimeoutSec = 120)
    Invoke-TestPwsh -Command $Command -Umask $Umask -TimeoutSec $TimeoutSec
}

<#
.SYNOPSIS
    Starts `pwsh -NoProfile -NonInteractive -File <File>` without waiting (Start-TestChildProcess), under a umask when
    -Umask is given, so a test can watch it, kill it (kill -9 mid-download) or read its exit. Returns the
    process; the caller stops it in a finally/AfterAll (Stop-TestProcess).
#>
function Start-TestPwshProcess {
    param(
        [Parameter(Mandatory)] [string] $File,
        [string] $Umask,
        [hashtable] $Environment = @{}
    )
    (Start-TestChildProcess -StartInfo (New-TestPwshStartInfo -File $File -Umask $Umask -Environment $Environment)).Process
}

function Stop-TestProcess {
    param([Parameter(ValueFromPipeline)] [Diagnostics.Process] $Process)
    process {
        if (-not $Process) { return }
        try { if (-not $Process.HasExited) { $Process.Kill($true) } ; $null = $Process.WaitForExit(10000) } catch { }
        $Process.Dispose()
    }
}

Export-ModuleMember -Function Invoke-TestProgram, Get-PwshCommandLine, New-TestProcessStartInfo, New-TestPwshStartInfo, Start-TestChildProcess, Invoke-TestPwsh, Get-TestPwshText, Start-TestPwsh, Stop-TestPwsh, Invoke-TestPwshUmask, Start-TestPwshProcess, Stop-TestProcess
