# What README.md promises a fresh clone and a user who installs the module: the main-job command, the test
# command CI runs, the Gallery package with a valid manifest, and the install path from a local repository.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $root = Get-RepoRoot
    $readme = [IO.File]::ReadAllText([IO.Path]::Combine($root, 'README.md'))
    $props = [xml][IO.File]::ReadAllText([IO.Path]::Combine($root, 'Directory.Build.props'))
    $version = ([string]$props.Project.PropertyGroup.ModuleVersion).Trim()
    $mainJob = 'dotnet tool run pwsh -NoProfile -File examples/Quickstart.ps1 -Emulator'
    $testCommand = 'dotnet tool restore && dotnet tool run pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Test'

    # Runs a program to its end with a deadline; returns ExitCode and Text (stdout and stderr).
    function Invoke-Program([string] $FileName, [string[]] $Arguments, [string] $WorkingDirectory, [int] $TimeoutSec = 180) {
        $start = New-TestProcessStartInfo -FileName $FileName -ArgumentList $Arguments -WorkingDirectory $WorkingDirectory
        $run = Stop-TestPwsh -Child (Start-TestChildProcess -StartInfo $start) -TimeoutSec $TimeoutSec
        if ($run.TimedOut) { throw "$FileName $Arguments did not end within $TimeoutSec s." }
        [pscustomobject]@{ ExitCode = $run.ExitCode; Text = Get-TestPwshText $run }
    }
}

Describe 'The README''s commands' -Tag 'CI', 'Slow' {
    It 'gives the test command that .ci/run runs' {
        $readme | Should -Match ([regex]::Escape($testCommand))
        [IO.File]::ReadAllText([IO.Path]::Combine($root, '.ci', 'run')) | Should -Match ([regex]::Escape($testCommand))
    }

    It 'runs the main job as written: the Quickstart in real pwsh against the emulator' {
        $readme | Should -Match ([regex]::Escape($mainJob))
        $words = $mainJob -split ' '
        $run = Invoke-Program $words[0] $words[1..($words.Count - 1)] $root
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match 'Hello, world!'
        $run.Text | Should -Match 'Success\s+: True'
        $run.Text | Should -Match 'phone\s+: \+9198'
        $run.Text | Should -Not -Match 'BEGIN (RSA |ENCRYPTED )?PRIVATE KEY'
    }

    It 'gives the offline install path of every OS' {
        $readme | Should -Match ([regex]::Escape('~/.local/share/powershell/Modules'))
        $readme | Should -Match ([regex]::Escape('Documents\PowerShell\Modules'))
        $readme | Should -Match ([regex]::Escape('Documents\WindowsPowerShell\Modules'))
    }
}

Describe 'The manifest' -Tag 'CI' {
    It 'passes Test-ModuleManifest at the repository root and in out/, with the version of Directory.Build.props' {
        (Test-ModuleManifest -Path ([IO.Path]::Combine($root, 'Saleschat.Mtls.psd1')) -ErrorAction Stop).Version | Should -Be ([version]$version)
        (Test-ModuleManifest -Path (Get-TestModuleManifest) -ErrorAction Stop).Version | Should -Be ([version]$version)
    }

    It 'declares both editions, PowerShell 5.1, and exports every cmdlet the assembly implements, by name' {
        $manifest = Test-ModuleManifest -Path (Get-TestModuleManifest)
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
        $implemented = [Saleschat.Mtls.SaleschatSession].Assembly.GetTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" } | Sort-Object
        @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($implemented)
        (Import-PowerShellDataFile (Get-TestModuleManifest)).CmdletsToExport | Should -Not -Contain '*'
    }

    It 'carries what the Gallery shows' {
        $data = (Import-PowerShellDataFile (Get-TestModuleManifest)).PrivateData.PSData
        $data.ProjectUri | Should -Match '^https://'
        $data.LicenseUri | Should -Match '^https://'
        $data.Tags | Should -Contain 'PSEdition_Core'
        $data.Tags | Should -Contain 'PSEdition_Desktop'
        $data.ReleaseNotes | Should -Match ([regex]::Escape($version))
        $changelog = [IO.File]::ReadAllText([IO.Path]::Combine($root, 'CHANGELOG.md'))
        $changelog | Should -Match "## $([regex]::Escape($version))"
    }

    It 'build.ps1 parses' {
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile([IO.Path]::Combine($root, 'build.ps1'), [ref]$null, [ref]$errors)
        $errors | Should -BeNullOrEmpty
    }
}

Describe 'The install path: package, publish, install, import by name, run' -Tag 'CI', 'Slow' {
    BeforeAll {
        $package = [IO.Path]::Combine($root, 'out', 'package', 'Saleschat.Mtls', $version)
    }

    It 'build.ps1 -Task Package -NoBuild makes a Gallery layout that passes Test-ModuleManifest' {
        $run = Invoke-TestPwsh -File ([IO.Path]::Combine($root, 'build.ps1')) -ArgumentList '-Task', 'Package', '-NoBuild' -WorkingDirectory $root -TimeoutSec 120
        $run.ExitCode | Should -Be 0 -Because (Get-TestPwshText $run)
        $run.StdOut | Should -Match "Packaged Saleschat.Mtls $([regex]::Escape($version))"
        foreach ($file in 'Saleschat.Mtls.psd1', 'Saleschat.Mtls.dll', 'BouncyCastle.Cryptography.dll', 'Newtonsoft.Json.dll',
            'Saleschat.Mtls.format.ps1xml', 'Saleschat.Mtls.types.ps1xml', 'LICENSE', 'CHANGELOG.md',
            'en-US/Saleschat.Mtls.dll-Help.xml', 'en-US/about_Saleschat_Mtls.help.txt') {
            [IO.File]::Exists([IO.Path]::Combine($package, $file)) | Should -BeTrue -Because $file
        }
        # The reference assembly of PowerShellStandard must never ship.
        [IO.File]::Exists([IO.Path]::Combine($package, 'System.Management.Automation.dll')) | Should -BeFalse
        (Test-ModuleManifest ([IO.Path]::Combine($package, 'Saleschat.Mtls.psd1')) -ErrorAction Stop).Version | Should -Be ([version]$version)
    }

    It 'publishes to a local repository, installs with Install-PSResource into an empty module path, imports by name and runs the quickstart' {
        # A home of its own: PSResourceGet's repository list and the CurrentUser module path live under it, so the
        # user's own configuration is never touched and the module path starts empty.
        $home2 = Join-Path $TestDrive 'home'
        $feed = Join-Path $TestDrive 'feed'
        $null = New-Item -ItemType Directory -Path $home2, $feed
        $isolated = @{ HOME = $home2; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; USERPROFILE = $home2; LOCALAPPDATA = (Join-Path $home2 'AppData'); APPDATA = (Join-Path $home2 'Roaming') }
        $install = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name SaleschatLocal -Uri '$feed' -Trusted
Publish-PSResource -Path '$package' -Repository SaleschatLocal
Install-PSResource -Name Saleschat.Mtls -Repository SaleschatLocal -Scope CurrentUser -TrustRepository
(Get-InstalledPSResource -Name Saleschat.Mtls).InstalledLocation
"@
        $installed = Invoke-TestPwsh -Command $install -WorkingDirectory $TestDrive -Environment $isolated -TimeoutSec 180
        $installed.ExitCode | Should -Be 0 -Because (Get-TestPwshText $installed)
        $modulePath = ($installed.StdOut -split "`r?`n" | Where-Object { $_.Trim() } | Select-Object -Last 1).Trim()
        $modulePath | Should -BeLike "$home2*"
        [IO.Directory]::GetFiles($feed, 'Saleschat.Mtls.*.nupkg') | Should -HaveCount 1
        [IO.File]::Exists([IO.Path]::Combine($modulePath, 'Saleschat.Mtls', $version, 'Saleschat.Mtls.psd1')) | Should -BeTrue

        $quickstart = [IO.Path]::Combine($root, 'examples', 'Quickstart.ps1')
        $use = "Import-Module Saleschat.Mtls -ErrorAction Stop; 'imported from ' + (Get-Module Saleschat.Mtls).ModuleBase; & '$quickstart' -Emulator -Folder ./qs; exit `$LASTEXITCODE"
        $environment = $isolated.Clone()
        $environment['PSModulePath'] = $modulePath
        $run = Invoke-TestPwsh -Command $use -WorkingDirectory $TestDrive -Environment $environment -TimeoutSec 180
        $text = Get-TestPwshText $run
        $run.ExitCode | Should -Be 0 -Because $text
        $text | Should -Match ([regex]::Escape("imported from $([IO.Path]::Combine($modulePath, 'Saleschat.Mtls', $version))"))
        $text | Should -Match ([regex]::Escape("Saleschat.Mtls $version from $([IO.Path]::Combine($modulePath, 'Saleschat.Mtls', $version))"))
        $text | Should -Match 'Hello, world!'
        $text | Should -Match 'Success\s+: True'
    }
}
