<#
.SYNOPSIS
    One benchmark child: a fresh `pwsh -NoProfile -File` started by the benchmark program, as a runbook or a CI step
    starts. For each contender it loads what the contender needs, makes its first hello, times the first -Cold calls
    (cold), continues to -Warmup calls in all, then times -Warm more (warm). Prints one line per contender:
    BENCH {json}. Every call's answer is checked; any error stops the script (exit 1), so no broken run is timed.
#>
param(
    [Parameter(Mandatory)] [string[]] $Contenders,
    [Parameter(Mandatory)] [uri] $BaseUri,
    [ValidateSet('h2', 'h1')] [string] $Protocol = 'h2',
    [Parameter(Mandatory)] [string] $Ca,
    [Parameter(Mandatory)] [string] $Cert,
    [Parameter(Mandatory)] [string] $Key,
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Floor,
    [int] $Cold = 1000,
    [int] $Warmup = 5000,
    [int] $Warm = 2000,
    [int] $Throttle = 8,
    [string] $Tag = 'bench',
    [long] $Bytes = 1GB,
    [int] $Items = 100000,
    [string] $OutFolder = [IO.Path]::GetTempPath()
)
$ErrorActionPreference = 'Stop'
$Contenders = $Contenders -split ','   # -File passes "a,b" as one string
$started = [Diagnostics.Process]::GetCurrentProcess().StartTime
$scriptStart = ([datetime]::Now - $started).TotalMilliseconds

function Out-Result([hashtable] $result) {
    [Console]::Out.WriteLine('BENCH ' + (ConvertTo-Json -InputObject $result -Compress))
}

$helloUri = [uri]::new($BaseUri, 'v4/orgs/org-1/mtls/hello')

# Every request of a contender carries run=<tag>.<contender>, so the server's log tells its connections apart.
function Set-Route([string] $contender) {
    $script:textPath = "/__faults/text?run=$Tag.$contender"
    $script:echoPath = "/__faults/echo?run=$Tag.$contender"
    $script:textUri = [uri]::new($BaseUri, $script:textPath.TrimStart('/'))
    $script:echoUri = [uri]::new($BaseUri, $script:echoPath.TrimStart('/'))
}

# Runs $Run for n calls, with whatever $Prepare makes beforehand (outside the clock); checks every call answered.
function Measure-Rate([scriptblock] $Prepare, [scriptblock] $Run, [int] $n) {
    if ($n -le 0) { return 0 }
    $prepared = if ($Prepare) { & $Prepare $n } else { $null }
    $jit = [Runtime.JitInfo]::GetCompilationTime($false)
    $methods = [Runtime.JitInfo]::GetCompiledMethodCount($false)
    $allocated = [GC]::GetTotalAllocatedBytes($true)
    $w = [Diagnostics.Stopwatch]::StartNew()
    $ok = & $Run $prepared $n
    $seconds = $w.Elapsed.TotalSeconds
    # Bytes allocated per call, all threads: what a contender costs, unlike rates, barely moved by a busy machine.
    $script:lastAllocatedPerCall = ([GC]::GetTotalAllocatedBytes($true) - $allocated) / $n
    # What the JIT (all threads) spent during these calls: where a cold process's time goes.
    $script:lastJitMs = ([Runtime.JitInfo]::GetCompilationTime($false) - $jit).TotalMilliseconds
    $script:lastJitMethods = [Runtime.JitInfo]::GetCompiledMethodCount($false) - $methods
    if ($ok -ne $n) { throw "$n calls, $ok good answers." }
    $n / $seconds
}

# Made before the clock starts, in PowerShell, so a module contender's process loads nothing of the floor's.
$makeItems = { param($n) , @(foreach ($i in 0..($n - 1)) { @{ i = $i; name = "c$i" } }) }
$loops = @{
    'raw'             = @{ Prepare = $null; Run = { param($p, $n) [Saleschat.Mtls.Benchmarks.Floor]::GetLoop($script:client, $textUri, $n, 'plain text body') } }
    'raw-throttle'    = @{ Prepare = $null; Run = { param($p, $n) [Saleschat.Mtls.Benchmarks.Floor]::ConcurrentGetLoop($script:client, $textUri, $n, 'plain text body', $Throttle) } }
    'bare'            = @{ Prepare = $null; Run = { param($p, $n) $ok = 0; foreach ($i in 1..$n) { if ((Invoke-BareGet $textUri) -eq 'plain text body') { $ok++ } }; $ok } }
    'bare-pipe'       = @{ Prepare = $makeItems; Run = { param($p, $n) @($p | Invoke-BarePost $echoUri).Count } }
    'bare-json-pipe'  = @{ Prepare = $makeItems; Run = { param($p, $n) @($p | Invoke-BareJsonPost $echoUri).Count } }
    'module'          = @{ Prepare = $null; Run = { param($p, $n) $ok = 0; foreach ($i in 1..$n) { if ((Invoke-SaleschatMtlsRequest $textPath) -eq 'plain text body') { $ok++ } }; $ok } }
    'module-pipe'     = @{ Prepare = $makeItems; Run = { param($p, $n) @($p | Invoke-SaleschatMtlsRequest -Method Post $echoPath).Count } }
    'module-throttle' = @{ Prepare = $makeItems; Run = { param($p, $n) @($p | Invoke-SaleschatMtlsRequest -Method Post $echoPath -ThrottleLimit $Throttle).Count } }
}

function Open-Module {
    $w = [Diagnostics.Stopwatch]::StartNew()
    Import-Module $Module
    $import = $w.Elapsed.TotalMilliseconds
    $w.Restart()
    $null = New-SaleschatSession -BaseUri $BaseUri -OrgId org-1 -CertificatePath $Cert -KeyPath $Key -ServerCertificateAuthority $Ca -RetryIntervalSec 0
    $session = $w.Elapsed.TotalMilliseconds
    $w.Restart()
    if (-not (Test-SaleschatMtls -Quiet)) { throw "Test-SaleschatMtls failed against $BaseUri." }
    @{ import = $import; session = $session; hello = $w.Elapsed.TotalMilliseconds; helloFromStart = ([datetime]::Now - $started).TotalMilliseconds }
}

function Open-Floor([bool] $Cmdlet) {
    $w = [Diagnostics.Stopwatch]::StartNew()
    Import-Module $Floor
    $import = $w.Elapsed.TotalMilliseconds
    $w.Restart()
    $script:client = [Saleschat.Mtls.Benchmarks.Floor]::NewClient($Cert, $Key, $Ca, $Protocol)
    [Saleschat.Mtls.Benchmarks.Floor]::Client = $script:client
    $session = $w.Elapsed.TotalMilliseconds
    $w.Restart()
    $answer = if ($Cmdlet) { Invoke-BareGet $helloUri } else { [Saleschat.Mtls.Benchmarks.Floor]::GetText($script:client, $helloUri) }
    if ($answer -ne 'Hello, world!') { throw "The hello answered '$answer'." }
    @{ import = $import; session = $session; hello = $w.Elapsed.TotalMilliseconds; helloFromStart = ([datetime]::Now - $started).TotalMilliseconds }
}

foreach ($contender in $Contenders) {
    Set-Route $contender
    switch ($contender) {
        'outfile' {
            $result = Open-Module
            Import-Module $Floor   # the sampler
            $file = [IO.Path]::Combine($OutFolder, "bench-download-$PID.bin")
            $sampler = [Saleschat.Mtls.Benchmarks.Floor]::StartSampler()
            $w = [Diagnostics.Stopwatch]::StartNew()
            Invoke-SaleschatMtlsRequest "/__faults/large?bytes=$Bytes" -OutFile $file -TimeoutSec 600
            $seconds = $w.Elapsed.TotalSeconds
            $growth = $sampler.Stop()
            $written = [IO.FileInfo]::new($file).Length
            [IO.File]::Delete($file)
            if ($written -ne $Bytes) { throw "-OutFile wrote $written bytes, expected $Bytes." }
            $result.peak = $growth[0]; $result.retained = $growth[1]; $result.mibPerSecond = $Bytes / 1MB / $seconds
            Out-Result $result
        }
        'pipe-memory' {
            $result = Open-Module
            Import-Module $Floor   # the sampler and the lazy item source
            # Warmed first, so the baseline already holds what any first run allocates once.
            $null = [Saleschat.Mtls.Benchmarks.Floor]::Items(0, 1000) | Invoke-SaleschatMtlsRequest -Method Post $echoPath
            $sampler = [Saleschat.Mtls.Benchmarks.Floor]::StartSampler()
            $w = [Diagnostics.Stopwatch]::StartNew()
            $count = ([Saleschat.Mtls.Benchmarks.Floor]::Items(0, $Items) | Invoke-SaleschatMtlsRequest -Method Post $echoPath | Measure-Object).Count
            $seconds = $w.Elapsed.TotalSeconds
            $growth = $sampler.Stop()
            if ($count -ne $Items) { throw "$Items items piped, $count answers." }
            $result.peak = $growth[0]; $result.retained = $growth[1]; $result.rate = $Items / $seconds
            Out-Result $result
        }
        default {
            $loop = $loops[$contender]
            if (-not $loop) { throw "Unknown contender '$contender'." }
            $result = if ($contender -like 'module*') { Open-Module } else { Open-Floor ($contender -like 'bare*') }
            $result.scriptStart = $scriptStart
            $result.jitBeforeCallsMs = [Runtime.JitInfo]::GetCompilationTime($false).TotalMilliseconds
            $result.cold = Measure-Rate $loop.Prepare $loop.Run $Cold
            $result.coldJitMs = $script:lastJitMs; $result.coldJitMethods = $script:lastJitMethods
            $null = Measure-Rate $loop.Prepare $loop.Run ($Warmup - $Cold)
            $result.warm = Measure-Rate $loop.Prepare $loop.Run $Warm
            $result.warmJitMs = $script:lastJitMs
            $result.warmAllocatedPerCall = $script:lastAllocatedPerCall
            $result.contender = $contender
            Out-Result $result
        }
    }
}
