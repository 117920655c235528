# One session, many calls: sequential calls and piped objects reuse the session's connections; -ThrottleLimit sends
# several at a time and writes results back in input order; runspaces sharing one session keep their answers apart.
# TLS handshakes are counted by the emulator (/stats tlsConnections).
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    $cmdlet = 'Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'

    function Get-TlsConnections { [long](Get-EmulatorStats $emulator).tlsConnections }
    # A phone prefix no other test used; contacts get prefix + item number.
    function New-PhonePrefix { '+44' + [Random]::Shared.Next(10000, 99999) }
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'A session reuses its connections' -Tag 'CI' {
    It 'makes a thousand sequential calls over one TLS connection' {
        $null = New-TestSession -Emulator $emulator -Pair $pair
        $null = Invoke-SaleschatMtlsRequest '/__faults/text'   # warm: the pool's connection exists
        $before = Get-TlsConnections

        $n = 0
        foreach ($i in 1..1000) { if ((Invoke-SaleschatMtlsRequest '/__faults/text') -eq 'plain text body') { $n++ } }

        $n | Should -Be 1000
        (Get-TlsConnections) - $before | Should -Be 0
    }

    It 'sends piped objects one request each over the same pool' {
        $null = New-TestSession -Emulator $emulator -Pair $pair   # a fresh pool: every connection it opens is counted
        $before = Get-TlsConnections
        $prefix = New-PhonePrefix

        $created = 1..25 | ForEach-Object { [pscustomobject]@{ name = "c$_"; phone = $prefix + $_ } } |
            Invoke-SaleschatMtlsRequest -Method Post '/v2/org/{orgId}/contact'

        $created | Should -HaveCount 25
        @($created.id | Select-Object -Unique) | Should -HaveCount 25
        (Get-TlsConnections) - $before | Should -BeLessOrEqual 1
    }
}

Describe 'Invoke-SaleschatMtlsRequest -ThrottleLimit' -Tag 'CI' {
    It 'sends fifty piped objects with -ThrottleLimit 8: all arrive, in input order, over at most 8 connections' {
        $null = New-TestSession -Emulator $emulator -Pair $pair
        $before = Get-TlsConnections
        $prefix = New-PhonePrefix

        $created = 1..50 | ForEach-Object { [pscustomobject]@{ name = "c$_"; phone = $prefix + $_ } } |
            Invoke-SaleschatMtlsRequest -Method Post '/v2/org/{orgId}/contact' -ThrottleLimit 8

        $created.name | Should -Be @(1..50 | ForEach-Object { "c$_" })
        @($created.id | Select-Object -Unique) | Should -HaveCount 50
        $connections = (Get-TlsConnections) - $before
        $connections | Should -BeGreaterOrEqual 1
        $connections | Should -BeLessOrEqual 8
    }

    It 'gives exactly one error per failed item, and the rest succeed' {
        $null = New-TestSession -Emulator $emulator -Pair $pair
        $prefix = New-PhonePrefix
        # Items 1..20; every fifth reuses the phone of the item before it, so the later one is a 409.
        $records = 1..20 | ForEach-Object { $n = if ($_ % 5 -eq 0) { $_ - 1 } else { $_ }; [pscustomobject]@{ name = "c$_"; phone = $prefix + $n } } |
            Invoke-SaleschatMtlsRequest -Method Post '/v2/org/{orgId}/contact' -ThrottleLimit 6 -Verbose -ErrorAction SilentlyContinue -ErrorVariable failure 4>&1

        $failure | Should -HaveCount 4
        foreach ($e in $failure) {
            $e.FullyQualifiedErrorId | Should -BeExactly "SaleschatApiError,$cmdlet"
            $e.CategoryInfo.Category | Should -Be 'ResourceExists'
        }
        $names = @($records | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] } | ForEach-Object name)
        $names | Should -HaveCount 16
        @($names | Select-Object -Unique) | Should -HaveCount 16
        $verbose = @($records | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
        @($verbose | Where-Object { $_.Contains('POST') -and $_.Contains('attempt 1') }) | Should -HaveCount 20
    }

    It 'stops every item in flight at once when stopped (Ctrl+C)' {
        $session = New-TestSession -Emulator $emulator -Pair $pair -Extra @{ NoDefault = $true }
        $manifest = Get-TestModuleManifest
        $key = New-TestRequestKey
        $job = Start-ThreadJob -ScriptBlock {
            Import-Module $using:manifest
            1..8 | Invoke-SaleschatMtlsRequest -Session $using:session -Method Get "/__faults/slow?ms=20000&key=$($using:key)" -ThrottleLimit 4 -MaximumRetryCount 0
        }
        try {
            Wait-Until { (Get-EmulatorAttempts $emulator $key) -ge 4 } -TimeoutSec 15 -Because 'four slow requests in flight'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Stop-Job $job   # the same StopProcessing a Ctrl+C gives
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            $job.State | Should -Be 'Stopped'
            $job.Finished.WaitOne(0) | Should -BeTrue
        }
        finally { Remove-Job $job -Force }
    }
}

Describe 'Runspaces sharing one session' -Tag 'CI' {
    It 'eight runspaces making 50 calls each get their own answers and share the session''s connections' {
        # A fresh session: its pool has no connection yet, so every connection it opens is counted.
        $session = New-TestSession -Emulator $emulator -Pair $pair -Extra @{ NoDefault = $true }
        $manifest = Get-TestModuleManifest
        $before = Get-TlsConnections

        # Bounded: a hang fails the test instead of stalling the suite.
        $results = 0..7 | ForEach-Object -ThrottleLimit 8 -TimeoutSeconds 60 -Parallel {
            Import-Module $using:manifest
            $id = $_
            $n = 0
            $errors = @()
            foreach ($i in 1..50) {
                try {
                    $r = Invoke-SaleschatMtlsRequest -Session $using:session -Method Post '/__faults/echo' -Body @{ runspace = $id; call = $i } -ErrorAction Stop
                    if ($r.body.runspace -eq $id -and $r.body.call -eq $i) { $n++ }
                }
                catch { $errors += "$($_.FullyQualifiedErrorId): $_" }
            }
            [pscustomobject]@{ Runspace = $id; Matched = $n; Errors = $errors }
        }

        $results | Should -HaveCount 8
        foreach ($r in $results) {
            $r.Errors | Should -BeNullOrEmpty
            $r.Matched | Should -Be 50   # every answer was its own
        }
        $opened = (Get-TlsConnections) - $before
        $opened | Should -BeGreaterOrEqual 1
        $opened | Should -BeLessOrEqual 8
    }
}
