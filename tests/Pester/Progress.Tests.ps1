# Progress a person can see: Write-Progress on -OutFile downloads (bytes, total, rate) and on long pipelines (items
# sent), a few records a second at most, none under $ProgressPreference = 'SilentlyContinue', nothing printed by a
# non-interactive pwsh; and -OutFile -PassThru returns the saved file. Progress records are read from a separate
# PowerShell instance's Progress stream, where a host would draw them.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    $manifest = Get-TestModuleManifest

    # Runs $Script in a fresh runspace with a session to the emulator; returns its output, progress records and
    # errors, and how long it ran.
    function Invoke-WithProgressStream([string] $Script, [hashtable] $Arguments = @{}) {
        $setup = {
            param($Manifest, $BaseUri, $OrgId, $ApiKey, $CertificatePath, $KeyPath, $CaPath)
            Import-Module $Manifest
            $null = New-SaleschatSession -BaseUri $BaseUri -OrgId $OrgId -ApiKey (ConvertTo-SecureString $ApiKey -AsPlainText -Force) `
                -CertificatePath $CertificatePath -KeyPath $KeyPath -ServerCertificateAuthority $CaPath
        }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript($setup).AddParameters(@{
                    Manifest = $manifest; BaseUri = [string]$emulator.BaseUri; OrgId = $emulator.OrgId; ApiKey = $emulator.ApiKey
                    CertificatePath = $pair.CertificatePath; KeyPath = $pair.KeyPath; CaPath = $emulator.CaPath
                })
            $null = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $ps.Commands.Clear()
            $null = $ps.AddScript($Script).AddParameters($Arguments)
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $output = $ps.Invoke()
            [pscustomobject]@{
                Output   = @($output)
                Progress = @($ps.Streams.Progress)
                Errors   = @($ps.Streams.Error)
                Seconds  = $clock.Elapsed.TotalSeconds
            }
        }
        finally { $ps.Dispose() }
    }
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'Write-Progress on -OutFile downloads' -Tag 'CI', 'Slow' {
    It 'shows bytes, total and rate a few times a second, ends the bar, and -PassThru returns the file' {
        $bytes = 128MB
        $target = Join-Path $TestDrive 'large.bin'
        $run = Invoke-WithProgressStream 'param($Path, $Bytes) Invoke-SaleschatMtlsRequest "/__faults/large?bytes=$Bytes" -OutFile $Path -PassThru' @{ Path = $target; Bytes = $bytes }
        $run.Errors | Should -BeNullOrEmpty
        $run.Output | Should -HaveCount 1
        $run.Output[0] | Should -BeOfType [IO.FileInfo]
        $run.Output[0].FullName | Should -BeExactly $target
        $run.Output[0].Length | Should -Be $bytes
        $run.Output[0].PSPath | Should -Match 'FileSystem::'

        $drawn = @($run.Progress | Where-Object RecordType -EQ 'Processing')
        if ($run.Seconds -ge 1) { $drawn.Count | Should -BeGreaterThan 0 -Because "the download took $($run.Seconds) s" }
        # At most one record per 250 ms (plus the first), never one per 80 KiB chunk (about 4,900 here).
        $drawn.Count | Should -BeLessOrEqual ([math]::Ceiling($run.Seconds * 4) + 1)
        $drawn = @($drawn | Where-Object StatusDescription -NE 'large.bin: waiting for the answer')
        foreach ($record in $drawn) {
            $record.StatusDescription | Should -Match '^large\.bin: \d+(\.\d)? [KMG]?B of 128\.0 MB(, \d+(\.\d)? [KMG]?B/s)?$'
            $record.PercentComplete | Should -BeIn (0..100)
        }
        # A bar that was drawn is ended; a download done within the first 500 ms draws none, and needs no end.
        if ($run.Progress) { $run.Progress[-1].RecordType | Should -Be 'Completed' }
    }

    It 'writes no progress record under $ProgressPreference = ''SilentlyContinue''' {
        $target = Join-Path $TestDrive 'silent.bin'
        $run = Invoke-WithProgressStream 'param($Path) $ProgressPreference = "SilentlyContinue"; Invoke-SaleschatMtlsRequest "/__faults/large?bytes=200000000" -OutFile $Path' @{ Path = $target }
        $run.Errors | Should -BeNullOrEmpty
        $run.Output | Should -HaveCount 0   # no -PassThru: nothing, as before
        $run.Progress | Should -HaveCount 0
        (Get-Item -LiteralPath $target).Length | Should -Be 200000000
    }

    It 'prints nothing about progress in a non-interactive pwsh -File (a scheduler''s log)' {
        $script = Join-Path $TestDrive 'download.ps1'
        $command = @"
`$null = New-SaleschatSession -BaseUri '$($emulator.BaseUri)' -OrgId '$($emulator.OrgId)' -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)' -ServerCertificateAuthority '$($emulator.CaPath)'
Invoke-SaleschatMtlsRequest '/__faults/large?bytes=300000000' -OutFile ./log.bin
'saved'
"@
        [IO.File]::WriteAllText($script, $command)
        $run = Invoke-TestPwsh -File $script -WorkingDirectory $TestDrive -ModuleOnPath -Environment @{ SALESCHAT_API_KEY = $emulator.ApiKey }
        $text = Get-TestPwshText $run
        $run.ExitCode | Should -Be 0 -Because $text
        $text.Trim() | Should -BeExactly 'saved'
    }
}

Describe 'Write-Progress on long pipelines' -Tag 'CI', 'Slow' {
    It 'counts the items sent, a few times a second, and ends the bar' {
        $run = Invoke-WithProgressStream '1..40 | ForEach-Object { @{ n = $_ } } | Invoke-SaleschatMtlsRequest -Method Post "/__faults/slow?ms=40"'
        $run.Errors | Should -BeNullOrEmpty
        $drawn = @($run.Progress | Where-Object RecordType -EQ 'Processing')
        $drawn.Count | Should -BeGreaterThan 0 -Because "40 items of 40 ms took $($run.Seconds) s"
        $drawn.Count | Should -BeLessOrEqual ([math]::Ceiling($run.Seconds * 4) + 1)
        $counts = $drawn | ForEach-Object { [int]($_.StatusDescription -replace '^(\d+) items sent, [\d.]+/s$', '$1') }
        $counts | Should -Be ($counts | Sort-Object)
        $counts[-1] | Should -BeLessOrEqual 40
        $run.Progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'shows nothing for a call that ends quickly' {
        $run = Invoke-WithProgressStream 'Invoke-SaleschatMtlsRequest "/v4/orgs/{orgId}/mtls/hello"'
        $run.Output | Should -Be 'Hello, world!'
        $run.Progress | Should -HaveCount 0
    }
}
