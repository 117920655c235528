# The benchmark runs where users run: `build.ps1 -Task Bench -Quick` starts the pinned pwsh for every
# contender against the emulator and nginx and prints every row and every target. This runs the same program with
# tiny counts and checks that nothing is missing; no number is asserted (a quick run's numbers mean nothing).
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $configuration = if ($env:SALESCHAT_TEST_CONFIGURATION) { $env:SALESCHAT_TEST_CONFIGURATION } else { 'Release' }
    $bench = [IO.Path]::Combine((Get-RepoRoot), 'tests', 'Saleschat.Mtls.Benchmarks', 'bin', $configuration, 'net10.0', 'Saleschat.Mtls.Benchmarks.dll')
    if (-not [IO.File]::Exists($bench)) { throw "The benchmark is not built ($bench): run ./build.ps1 -Task Build first." }
    $out = Join-Path $TestDrive 'bench'

    $start = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($bench, '--quick', '--cold', '20', '--warmup', '40', '--warm', '20', '--process-n', '2', '--curl-n', '10',
            '--items', '50', '--outfile-mib', '4', '--out', $out)) { $start.ArgumentList.Add($a) }
    $start.WorkingDirectory = Get-RepoRoot   # where .config/dotnet-tools.json pins pwsh
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $process = [Diagnostics.Process]::Start($start)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    if (-not $process.WaitForExit(300000)) { $process.Kill($true); $process.WaitForExit() }
    $elapsed = $watch.Elapsed
    $run = [pscustomobject]@{ ExitCode = $process.ExitCode; StdOut = $stdout.GetAwaiter().GetResult(); StdErr = $stderr.GetAwaiter().GetResult() }
    $process.Dispose()
    $json = if ([IO.File]::Exists((Join-Path $out 'bench.json'))) { [IO.File]::ReadAllText((Join-Path $out 'bench.json')) | ConvertFrom-Json }

    $servers = 'emulator-h2', 'emulator-h1', 'nginx-h2', 'nginx-h1'
    $contenders = 'raw', 'raw-throttle', 'bare', 'bare-pipe', 'bare-json-pipe', 'module', 'module-pipe', 'module-throttle'
}

Describe 'build.ps1 -Task Bench -Quick' -Tag 'CI', 'Edge', 'Slow' {
    It 'runs to the end and writes bench.md and bench.json' {
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        Join-Path $out 'bench.md' | Should -Exist
        $json | Should -Not -BeNullOrEmpty
        $json.machine | Should -Match 'real pwsh'
    }

    It 'measures row <Id>' -ForEach @(
        foreach ($s in 'emulator-h2', 'emulator-h1', 'nginx-h2', 'nginx-h1') {
            @{ Id = "curl-process-$s" }; @{ Id = "curl-reuse-$s" }
            foreach ($c in 'raw', 'raw-throttle', 'bare', 'bare-pipe', 'bare-json-pipe', 'module', 'module-pipe', 'module-throttle') { @{ Id = "$c-cold-$s" }; @{ Id = "$c-warm-$s" } }
        }
        foreach ($s in 'nginx-h2', 'nginx-h1') { foreach ($c in 'module', 'module-pipe', 'module-throttle') { @{ Id = "connections-$c-$s" } } }
        foreach ($id in 'pwsh-exit', 'curl-hello', 'pwsh-module-hello', 'pwsh-raw-hello', 'module-import', 'module-session', 'module-hello', 'module-process-to-hello',
            'raw-import', 'raw-hello', 'outfile-peak', 'outfile-retained', 'pipe-peak', 'pipe-retained', 'pipe-rate') { @{ Id = $id } }
    ) {
        $row = $json.rows | Where-Object Id -EQ $Id
        $row | Should -HaveCount 1
        $row.samples.Count | Should -BeGreaterThan 0
        foreach ($sample in $row.samples) {
            # Memory growth may be below zero (a collection gave back more than the run kept); everything else is a positive figure.
            if ($Id -match '-(peak|retained)$') { [double]::IsFinite($sample) | Should -BeTrue } else { $sample | Should -BeGreaterThan 0 }
        }
        $run.StdOut | Should -Match ([regex]::Escape("$($Id): "))
    }

    It 'judges target "<Name>" with PASS or FAIL in the table and in bench.md' -ForEach @(
        foreach ($s in 'emulator-h2', 'emulator-h1', 'nginx-h2', 'nginx-h1') {
            @{ Name = "warm foreach >= 0.95 x the bare cmdlet ($s)" }
            @{ Name = "cold foreach >= 0.85 x the bare cmdlet ($s)" }
            @{ Name = "warm piped >= 0.95 x the bare piped cmdlet ($s)" }
            @{ Name = "cold piped >= 0.95 x the bare piped cmdlet ($s)" }
        }
        @{ Name = '-ThrottleLimit 8 >= 2 x the module''s own sequential pipe, warm (emulator-h2)' }
        @{ Name = '-ThrottleLimit 8 >= 2 x the module''s own sequential pipe, warm (nginx-h2)' }
        @{ Name = 'fresh process to first hello <= 1.5 x (pwsh -c exit + one curl hello)' }
        @{ Name = 'cold foreach >= 50 x curl per call (nginx-h2)' }
        @{ Name = 'cold foreach >= 50 x curl per call (nginx-h1)' }
        @{ Name = 'one TLS connection per session (nginx-h2, nginx''s $connection)' }
        @{ Name = '<= 8 TLS connections per session (nginx-h1, nginx''s $connection)' }
        @{ Name = '-OutFile of 4 MiB grows the working set < 64 MiB' }
        @{ Name = '50 piped items grow the working set < 64 MiB' }
    ) {
        $run.StdOut | Should -Match ('(?m)^(PASS|FAIL)  ' + [regex]::Escape($Name) + ': ')
        [IO.File]::ReadAllText((Join-Path $out 'bench.md')) | Should -Match ('\| ' + [regex]::Escape($Name) + ' \| (PASS|FAIL) \|')
    }

    It 'names the measured floor for every target it judged FAIL' {
        # Each failing target gets a FLOOR line from the same run (foreach: allocations and spread; piped: the JSON floor;
        # -ThrottleLimit: the raw client's own concurrency; fresh process: the raw client's own fresh process; curl: the
        # bare cmdlet), so a FAIL never stands without its reason.
        $failed = @($json.targets | Where-Object { -not $_.Pass } | ForEach-Object Name)
        foreach ($name in $failed) {
            $key = if ($name -match 'curl per call') { $name -replace '^cold foreach >= 50 x curl per call', 'cold foreach vs curl per call' }
                elseif ($name -match '^(warm|cold) (piped|foreach) .*\((.+)\)$') { "$($Matches[1]) $($Matches[2]) ($($Matches[3]))" }
                elseif ($name -match '^-ThrottleLimit (\d+) .*\((.+)\)$') { "-ThrottleLimit $($Matches[1]) ($($Matches[2]))" }
                elseif ($name -match '^fresh process') { 'fresh process to first hello' }
                else { $name }
            @($json.floors | Where-Object { $_.StartsWith($key + ':') }) | Should -HaveCount 1 -Because "$name failed"
        }
        foreach ($line in $json.floors) { $run.StdOut | Should -Match ('(?m)^FLOOR  ' + [regex]::Escape($line)) }
    }

    It 'judges nothing it was not asked to' {
        ($json.targets | Measure-Object).Count | Should -Be 25
    }
}
