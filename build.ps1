<#
.SYNOPSIS
    Builds, tests, benchmarks, documents and packages Saleschat.Mtls.
.DESCRIPTION
    Calls only the .NET SDK, core PowerShell cmdlets and .NET (no Utility cmdlets such as Write-Verbose), so it runs in PowerShell 7, Windows PowerShell 5.1
    and the repository's own test host. Tasks:
      Clean    remove bin/, obj/ and out/
      Build    dotnet build -c Release: leaves the importable module in out/Saleschat.Mtls
      Test     the whole suite (the same command .ci/run uses)
      Bench    the benchmark program; results in out/bench/
      Docs     markdown help from the MAML in en-US/ with PlatyPS, where it is installed
      Package  the PowerShell Gallery layout in out/package/Saleschat.Mtls/<version>, checked by Test-ModuleManifest
.EXAMPLE
    ./build.ps1 -Task Build, Test
.EXAMPLE
    ./build.ps1 -Task Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Test', 'Bench', 'Docs', 'Package')]
    [string[]] $Task = @('Build'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Package or document the module already in out/ instead of building it first.
    [switch] $NoBuild
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

function Invoke-Test {
    Invoke-Dotnet test $solution -c $Configuration --logger 'trx;LogFileName=results.trx' --results-directory ([IO.Path]::Combine($root, 'TestResults'))
}

function Invoke-Bench {
    Invoke-Dotnet run --project ([IO.Path]::Combine($root, 'tests', 'Saleschat.Mtls.Benchmarks')) -c Release -- --out ([IO.Path]::Combine($root, 'out', 'bench'))
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
