# One way to run a server a test talks to as a child process (nginx, haproxy, apache2, stunnel, squid, tinyproxy,
# openssl s_server): started on a 127.0.0.1 port the caller chose with Get-FreeTcpPort, with the suite's one process
# setup (New-TestProcessStartInfo), waited for until it listens, and stopped by its pid with Stop-TestServer, which
# also deletes its temp folder. Stop-TestServer also stops the in-process listeners of TlsServers.psm1 (Dispose()).
Set-StrictMode -Version 3.0

Import-Module ([IO.Path]::Combine($PSScriptRoot, 'ChildProcess.psm1'))
Import-Module ([IO.Path]::Combine($PSScriptRoot, 'HelpersCommon.psm1'))

<#
.SYNOPSIS
    Starts FileName with ArgumentList (its configuration already says 127.0.0.1:Port) and returns once it listens on
    Port: an object with Name, Port, Prefix (its temp folder, or $null), LogName (the files in Prefix that say why it
    failed), Process, StdOut and StdErr (tasks), and the -Property members. If the server exits first or the deadline
    passes, it is stopped and the call throws with what it logged. Stop it with Stop-TestServer.
#>
function Start-TestServer {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $FileName,
        [Parameter(Mandatory)] [string[]] $ArgumentList,
        [Parameter(Mandatory)] [int] $Port,
        [string] $Prefix,
        [string[]] $LogName = @('error.log'),
        [string] $WorkingDirectory = $PWD.ProviderPath,
        # Members added to the returned object (PSTypeName, Kind, BaseUri, ...), in this order.
        [Collections.IDictionary] $Property = @{},
        [int] $TimeoutSec = 15
    )
    # Standard input stays open: openssl s_server reads commands from it, and the others never read it.
    $process = [Diagnostics.Process]::Start((New-TestProcessStartInfo -FileName $FileName -ArgumentList $ArgumentList -WorkingDirectory $WorkingDirectory))
    $members = [ordered]@{}
    foreach ($key in $Property.Keys) { $members[$key] = $Property[$key] }
    foreach ($pair in ([ordered]@{ Name = $Name; Port = $Port; Prefix = $Prefix; LogName = $LogName; Process = $process }).GetEnumerator()) {
        if (-not $members.Contains($pair.Key)) { $members[$pair.Key] = $pair.Value }
    }
    $members['StdOut'] = $process.StandardOutput.ReadToEndAsync()
    $members['StdErr'] = $process.StandardError.ReadToEndAsync()
    $server = [pscustomobject]$members
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (Test-TcpPortOpen $Port)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            $log = Stop-TestServer $server -PassThru
            throw "$Name did not start on 127.0.0.1:$Port within $TimeoutSec s: $log"
        }
        Start-Sleep -Milliseconds 50
    }
    $server
}

# What the server logged (its LogName files in Prefix) and, once it has exited, what it printed.
function Get-TestServerLog {
    param([Parameter(Mandatory)] $Server)
    $text = ''
    if ($Server.Prefix) {
        foreach ($name in $Server.LogName) {
            $path = [IO.Path]::Combine($Server.Prefix, $name)
            if ([IO.File]::Exists($path)) { $text += [IO.File]::ReadAllText($path) }
        }
    }
    if ($Server.Process.HasExited) { $text += $Server.StdOut.GetAwaiter().GetResult() + $Server.StdErr.GetAwaiter().GetResult() }
    $text
}

# kill(1): .NET sends only SIGKILL, and nginx's master stops its workers (and reloads) on TERM (and HUP).
function Send-TestServerSignal {
    param([Parameter(Mandatory)] [int] $ProcessId, [Parameter(Mandatory)] [string] $Signal)
    $kill = [Diagnostics.Process]::Start('kill', @("-$Signal", [string]$ProcessId))
    $kill.WaitForExit()
}

<#
.SYNOPSIS
    Stops a server by its pid: SIGTERM (nginx's master stops its workers; squid's shutdown_lifetime is 0), then after
    10 s whatever is left of its tree is killed; its Prefix is deleted. -PassThru returns Get-TestServerLog's text,
    read before the folder goes. An in-process listener (no Process) is disposed.
#>
function Stop-TestServer {
    param([Parameter(ValueFromPipeline)] $Server, [switch] $PassThru)
    process {
        if (-not $Server) { return }
        if (-not $Server.PSObject.Properties['Process']) { $Server.Dispose(); return }
        $p = $Server.Process
        if (-not $p.HasExited) {
            Send-TestServerSignal $p.Id 'TERM'
            if (-not $p.WaitForExit(10000)) {
                $children = & pgrep -P $p.Id 2>$null
                foreach ($child in @($children)) { if ($child) { Send-TestServerSignal ([int]$child) 'KILL' } }
                $p.Kill($true)
            }
        }
        $p.WaitForExit()
        if ($PassThru) { Get-TestServerLog $Server }
        $p.Dispose()
        if ($Server.Prefix -and [IO.Directory]::Exists($Server.Prefix)) { [IO.Directory]::Delete($Server.Prefix, $true) }
    }
}

Export-ModuleMember -Function Start-TestServer, Send-TestServerSignal, Stop-TestServer
