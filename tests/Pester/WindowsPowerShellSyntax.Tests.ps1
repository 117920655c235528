# Both Windows jobs of .github/workflows/ci.yml must be able to pass as written, and only a Windows runner can run them.
# What can be decided here is decided here: Windows PowerShell 5.1's Pester discovery parses every *.Tests.ps1 (before
# the WinPS tag filter applies), so every file must parse as 5.1 reads it, and the WinPS-tagged files and the helper
# functions they call must run there. This file must itself parse in Windows PowerShell 5.1.

BeforeDiscovery {
    $pesterFolder = $PSScriptRoot
    $testFiles = @([IO.Directory]::GetFiles($pesterFolder, '*.Tests.ps1') | ForEach-Object { @{ Path = $_; Name = [IO.Path]::GetFileName($_) } })
    $moduleFiles = @([IO.Directory]::GetFiles($pesterFolder, '*.psm1', [IO.SearchOption]::AllDirectories) | ForEach-Object { @{ Path = $_; Name = [IO.Path]::GetFileName($_) } })
}

BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Helpers', 'WindowsPowerShellSyntax.psm1')) -Force
    $allTests = @([IO.Directory]::GetFiles($PSScriptRoot, '*.Tests.ps1'))
    $winPSTests = @($allTests | Where-Object { Test-WinPSTaggedFile $_ })
    $calledFromWinPS = @(Get-CalledCommandName -Path $winPSTests | Sort-Object -Unique)
}

Describe 'Every Pester file as Windows PowerShell 5.1 reads it' -Tag 'CI' {
    It 'finds the WinPS-tagged files the windows-powershell job runs' {
        @($winPSTests | ForEach-Object { [IO.Path]::GetFileName($_) }) | Should -Contain 'Windows.Tests.ps1'
    }

    It '<Name> parses in 5.1, and what 5.1 runs of it uses nothing newer' -TestCases $testFiles {
        param($Path, $Name)
        $runsInWinPS = $winPSTests -contains $Path
        $problems = @(Find-WindowsPowerShellProblem -Path $Path -Runtime -DiscoveryOnly:(-not $runsInWinPS))
        $problems | Should -BeNullOrEmpty -Because ($problems -join "`n")
    }

    It 'helper module <Name>: the functions WinPS tests call run in 5.1' -TestCases $moduleFiles {
        param($Path, $Name)
        $problems = @(Find-WindowsPowerShellProblem -Path $Path -Runtime -Function $calledFromWinPS)
        $problems | Should -BeNullOrEmpty -Because ($problems -join "`n")
    }
}

Describe 'The 5.1 reader catches what 5.1 would trip on' -Tag 'CI' {
    It 'reports <What>' -TestCases @(
        @{ What = 'the ternary operator'; Code = '$a = $true ? 1 : 2'; Expected = 'ternary' }
        @{ What = 'the ?? operator'; Code = '$a = $null ?? 1'; Expected = '\?\? operator' }
        @{ What = 'the ??= operator'; Code = '$a ??= 1'; Expected = '\?\?= operator' }
        @{ What = 'pipeline chains'; Code = 'Get-Item . && Get-Item .'; Expected = '&& or \|\|' }
        @{ What = 'null-conditional access'; Code = '${a}?.Length'; Expected = 'null-conditional' }
        @{ What = 'a number suffix'; Code = '$a = 5u'; Expected = 'number literal' }
        @{ What = 'ForEach-Object -Parallel'; Code = '1..2 | ForEach-Object -Parallel { $_ }'; Expected = 'Parallel' }
        @{ What = '$IsWindows'; Code = 'if ($IsWindows) { 1 }'; Expected = 'IsWindows' }
        @{ What = 'Join-Path with two children'; Code = 'Join-Path a b c'; Expected = 'Join-Path' }
        @{ What = 'an em dash in a string of a file without a byte-order mark'; Code = "`$a = `"x $([char]0x2014) y`""; Expected = 'Windows-1252' }
    ) {
        param($What, $Code, $Expected)
        $file = Join-Path $TestDrive 'sample.ps1'
        [IO.File]::WriteAllText($file, $Code, [Text.UTF8Encoding]::new($false))
        (@(Find-WindowsPowerShellProblem -Path $file -Runtime) -join "`n") | Should -Match $Expected
    }

    It 'accepts the same em dash when the file has a byte-order mark, and plain 5.1 code' {
        $file = Join-Path $TestDrive 'bom.ps1'
        [IO.File]::WriteAllText($file, "`$a = `"x $([char]0x2014) y`"`n`$b = if (`$a) { 1 } else { 2 }", [Text.UTF8Encoding]::new($true))
        @(Find-WindowsPowerShellProblem -Path $file -Runtime) | Should -BeNullOrEmpty
    }

    It 'checks only the helper functions a WinPS test calls' {
        $file = Join-Path $TestDrive 'helpers.psm1'
        [IO.File]::WriteAllText($file, "function Used { if (`$IsWindows) { 1 } }`nfunction Unused { if (`$IsLinux) { 1 } }")
        @(Find-WindowsPowerShellProblem -Path $file -Runtime -Function 'Used') | Should -HaveCount 1
        @(Find-WindowsPowerShellProblem -Path $file -Runtime -Function 'Other') | Should -BeNullOrEmpty
    }
}
