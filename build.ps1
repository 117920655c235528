<#
.SYNOPSIS
    Builds, tests, benchmarks, documents and packages Saleschat.Mtls.
.DESCRIPTION
    Calls only the .NET SDK, PowerShell's own cmdlets and .NET, so it runs in PowerShell 7 and Windows PowerShell 5.1
    (the Test task needs PowerShell 7: it starts child processes with ProcessStartInfo.ArgumentList). Tasks:
      Clean    remove bin/, obj/ and out/
      Build    dotnet build -c Release: leaves the importable module in out/Saleschat.Mtls
      Test     builds once, runs xunit (the C# core) and Pester (the cmdlets, in real pwsh) side by side, writes
               TestResults/xunit.trx and TestResults/pester.xml (NUnit), and prints one line "N passed, N failed"
               for both suites; fails when anything failed or nothing ran (the command .ci/run uses)
      Bench    the benchmark (tests/Saleschat.Mtls.Benchmarks): every contender in a child `pwsh -NoProfile -File` of the
               pinned pwsh 7.6.9, cold (a fresh process's first 1,000 calls) and warm (after 5,000), against the
               emulator and Debian's nginx (ssl_verify_client on, HTTP/2 and HTTP/1.1); the table and its PASS/FAIL
               targets on stdout and in out/bench/bench.md and bench.json. Takes 15-40 min on 2 busy cores; -Quick
               runs every row and target once with small counts (numbers not meaningful) in about a minute
      Docs     markdown help from the MAML in en-US/ with PlatyPS, where it is installed
      Package  the PowerShell Gallery layout in out/package/Saleschat.Mtls/<version>, checked by Test-ModuleManifest
.EXAMPLE
    ./build.ps1 -Task Build, Test
.EXAMPLE
    ./build.ps1 -Task Package
.EXAMPLE
    ./build.ps1 -Task Bench -Quick -NoBuild
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Test', 'Bench', 'Docs', 'Package')]
    [string[]] $Task = @('Build'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Test, Bench, Docs or Package: skip the build and use what the last build left (the module in out/Saleschat.Mtls,
    # the emulator, the test and benchmark assemblies). Without it those tasks build the solution first.
    [switch] $NoBuild,
    # Test: run only the Pester tests with one of these tags (CI, Slow, Edge, WinPS).
    [string[]] $Tag,
    # Test: leave out the Pester tests with one of these tags (e.g. Slow for a quick run).
    [string[]] $ExcludeTag,
    # Test: the Pester test files or folders to run (default: all of tests/Pester); xunit runs only with the default.
    [string[]] $TestPath,
    # Bench: one round with small counts, every contender of a server in one child process: proves the bench runs
    # and prints every row and target, in about a minute; its numbers (cold ones above all) are not measurements.
    [switch] $Quick,
    # Bench: where bench.md and bench.json go (default out/bench).
    [string] $BenchOut = [IO.Path]::Combine($PSScriptRoot, 'out', 'bench'),
    # Bench: more options for the benchmark program, e.g. '--rounds 3 --servers nginx-h2,emulator-h2' (see its usage line).
    [string[]] $BenchArgument = @()
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$moduleOut = [IO.Path]::Combine($root, 'out', 'Saleschat.Mtls')
$solution = [IO.Path]::Combine($root, 'Saleschat.Pwsh.sln')

function Invoke-Dotnet {
    param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    $PSCmdlet.WriteVerbose("dotnet $($Arguments -join ' ')")
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE." }
}

function Invoke-Clean {
    foreach ($dir in [IO.Directory]::GetDirectories($root, '*', [IO.SearchOption]::AllDirectories)) {
        $name = [IO.Path]::GetFileName($dir)
        if (($name -eq 'bin' -or $name -eq 'obj') -and [IO.Directory]::Exists($dir) -and $dir -notmatch '[\\/]\.git[\\/]') {
            [IO.Directory]::Delete($dir, $true)
        }
    }
    $out = [IO.Path]::Combine($root, 'out')
    if ([IO.Directory]::Exists($out)) { [IO.Directory]::Delete($out, $true) }
}

function Invoke-Build { Invoke-Dotnet build $solution -c $Configuration }

function Get-NuGetPackageFolder {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = & dotnet nuget locals global-packages --list
    ($line -replace '^global-packages:\s*', '').Trim()
}

function Import-Pester {
    # Pester comes from NuGet, pinned in tests/tools/TestTools.csproj, never from a gallery.
    $project = [IO.Path]::Combine($root, 'tests', 'tools', 'TestTools.csproj')
    Invoke-Dotnet restore $project --verbosity quiet
    $version = ([xml][IO.File]::ReadAllText($project)).Project.ItemGroup.PackageDownload |
        Where-Object Include -eq 'Pester' | ForEach-Object { $_.Version.Trim('[', ']') }
    $manifest = [IO.Path]::Combine((Get-NuGetPackageFolder), 'pester', $version, 'tools', 'Pester.psd1')
    Import-Module $manifest -Force -Global
}

function Read-TrxCounts([string] $path) {
    if (-not [IO.File]::Exists($path)) { return [pscustomobject]@{ Passed = 0; Failed = 0 } }
    $counters = ([xml][IO.File]::ReadAllText($path)).TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout }
}

function Invoke-Test {
    $results = [IO.Path]::Combine($root, 'TestResults')
    if ([IO.Directory]::Exists($results)) { [IO.Directory]::Delete($results, $true) }
    $null = [IO.Directory]::CreateDirectory($results)
    $trx = [IO.Path]::Combine($results, 'xunit.trx')

    # xunit runs in a child process while Pester runs here: two cores, two suites.
    $xunit = $null
    if (-not $TestPath) {
        $start = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @('test', $solution, '-c', $Configuration, '--no-build', '--logger', 'trx;LogFileName=xunit.trx', '--results-directory', $results)) { $start.ArgumentList.Add($a) }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $xunit = [Diagnostics.Process]::Start($start)
        $xunitOut = $xunit.StandardOutput.ReadToEndAsync()
        $xunitErr = $xunit.StandardError.ReadToEndAsync()
    }

    Import-Pester
    $config = New-PesterConfiguration
    # From `pwsh -File`, "-TestPath a,b" arrives as one string: split it.
    $config.Run.Path = if ($TestPath) { @($TestPath | ForEach-Object { $_ -split ',' }) } else { [IO.Path]::Combine($root, 'tests', 'Pester') }
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Normal'
    # Logs (CI, tee) get plain text, not ANSI colour codes.
    if ([Console]::IsOutputRedirected) { $config.Output.RenderMode = 'Plaintext' }
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputFormat = 'NUnitXml'
    $config.TestResult.OutputPath = [IO.Path]::Combine($results, 'pester.xml')
    if ($Tag) { $config.Filter.Tag = @($Tag | ForEach-Object { $_ -split ',' }) }
    if ($ExcludeTag) { $config.Filter.ExcludeTag = @($ExcludeTag | ForEach-Object { $_ -split ',' }) }
    # Tests run with PowerShell's default preference, as users' scripts do, not this script's 'Stop'.
    $ErrorActionPreference = 'Continue'
    $pester = Invoke-Pester -Configuration $config

    $unit = [pscustomobject]@{ Passed = 0; Failed = 0 }
    if ($xunit) {
        $xunit.WaitForExit()
        $xunitOut.GetAwaiter().GetResult() | Out-Host
        $xunitErr.GetAwaiter().GetResult() | Out-Host
        $unit = Read-TrxCounts $trx
        if ($xunit.ExitCode -ne 0 -and $unit.Failed -eq 0) { $unit.Failed = 1 }   # a crash or a build error counts
    }

    $pesterFailed = $pester.FailedCount + $pester.FailedBlocksCount + $pester.FailedContainersCount
    $passed = $unit.Passed + $pester.PassedCount
    $failed = $unit.Failed + $pesterFailed
    "xunit: $($unit.Passed) passed, $($unit.Failed) failed; Pester: $($pester.PassedCount) passed, $pesterFailed failed, $($pester.SkippedCount) skipped" | Out-Host
    "$passed passed, $failed failed" | Out-Host
    if ($failed -gt 0 -or $passed -eq 0) { throw "Tests failed ($failed) or none ran." }
}

function Invoke-Bench {
    # The program hosts the emulators and nginx and starts the pinned pwsh (dotnet <pwsh.dll>) for every contender;
    # it runs from the repository root so it finds .config/dotnet-tools.json and out/Saleschat.Mtls.
    $project = [IO.Path]::Combine($root, 'tests', 'Saleschat.Mtls.Benchmarks')
    # `pwsh -File build.ps1 -BenchArgument '--rounds 3 --servers nginx-h2,emulator-h2'` passes one string: split it at
    # spaces, so the program's own comma lists (--servers, --contenders) stay whole.
    $extra = @($BenchArgument | ForEach-Object { $_ -split '\s+' } | Where-Object { $_ })
    $arguments = @('--out', $BenchOut) + $(if ($Quick) { @('--quick') } else { @() }) + $extra
    Push-Location $root
    try { Invoke-Dotnet run --project $project -c $Configuration --no-build -- @arguments }
    finally { Pop-Location }
}

function Get-ModuleVersion {
    (Test-ModuleManifest -Path ([IO.Path]::Combine($moduleOut, 'Saleschat.Mtls.psd1'))).Version.ToString()
}

function Invoke-Docs {
    if (-not (Get-Module -ListAvailable -Name platyPS)) {
        $PSCmdlet.WriteWarning('PlatyPS is not installed: the MAML in en-US/ stays the source of help. Install-Module platyPS to render markdown.')
        return
    }
    Import-Module platyPS
    Import-Module ([IO.Path]::Combine($moduleOut, 'Saleschat.Mtls.psd1')) -Force
    $docs = [IO.Path]::Combine($root, 'out', 'docs')
    New-MarkdownHelp -Module Saleschat.Mtls -OutputFolder $docs -Force | Out-Null
    "Markdown help written to $docs"
}

function Invoke-Package {
    $version = Get-ModuleVersion
    $target = [IO.Path]::Combine($root, 'out', 'package', 'Saleschat.Mtls', $version)
    if ([IO.Directory]::Exists($target)) { [IO.Directory]::Delete($target, $true) }
    $null = [IO.Directory]::CreateDirectory($target)
    foreach ($file in [IO.Directory]::GetFiles($moduleOut, '*', [IO.SearchOption]::AllDirectories)) {
        $relative = $file.Substring($moduleOut.Length).TrimStart('\', '/')
        $destination = [IO.Path]::Combine($target, $relative)
        $null = [IO.Directory]::CreateDirectory([IO.Path]::GetDirectoryName($destination))
        [IO.File]::Copy($file, $destination, $true)
    }
    foreach ($doc in 'LICENSE', 'CHANGELOG.md', 'README.md') {
        [IO.File]::Copy([IO.Path]::Combine($root, $doc), [IO.Path]::Combine($target, $doc), $true)
    }
    $manifest = Test-ModuleManifest -Path ([IO.Path]::Combine($target, 'Saleschat.Mtls.psd1'))
    "Packaged $($manifest.Name) $($manifest.Version) in $target"
}

foreach ($step in $Task) {
    $PSCmdlet.WriteVerbose("Task $step")
    switch ($step) {
        'Clean' { Invoke-Clean }
        'Build' { Invoke-Build }
        'Test' { if (-not $NoBuild) { Invoke-Build }; Invoke-Test }
        'Bench' { if (-not $NoBuild) { Invoke-Build }; Invoke-Bench }
        'Docs' { if (-not $NoBuild) { Invoke-Build }; Invoke-Docs }
        'Package' { if (-not $NoBuild) { Invoke-Build }; Invoke-Package }
    }
}
