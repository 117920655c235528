# Retries of Invoke-SaleschatMtlsRequest: which failures are retried for which methods, how long it waits, where
# it stops. The emulator's fault routes count every attempt under a key (/attempts/{key}).
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    $null = New-TestSession -Emulator $emulator -Pair $pair   # -RetryIntervalSec 0: no backoff to wait for
    $cmdlet = 'Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'Invoke-SaleschatMtlsRequest retries' -Tag 'CI' {
    BeforeEach { $key = New-TestRequestKey }

    It 'retries a 503 until it succeeds' {
        $result = Invoke-SaleschatMtlsRequest "/__faults/status/503?times=2&key=$key" -MaximumRetryCount 3 -RetryIntervalSec 0
        $result.attempts | Should -Be 3
        Get-EmulatorAttempts $emulator $key | Should -Be 3
    }

    It 'waits for Retry-After on a 429, even for POST' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $records = Invoke-SaleschatMtlsRequest -Method Post "/__faults/status/429?times=1&retryAfter=1&key=$key" -Body @{ x = 1 } -Verbose -ErrorVariable failure 4>&1
        $watch.Stop()

        $failure | Should -BeNullOrEmpty
        Get-EmulatorAttempts $emulator $key | Should -Be 2
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.95
        $verbose = @($records | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Where-Object { $_ -like '*Retrying*' -and $_ -like '*429*' } | Should -Not -BeNullOrEmpty
    }

    It 'does not retry a 500 for POST (ResourceUnavailable after one attempt)' {
        $null = Invoke-SaleschatMtlsRequest -Method Post "/__faults/status/500?times=1&key=$key" -Body @{ x = 1 } -MaximumRetryCount 3 -ErrorAction SilentlyContinue -ErrorVariable failure
        Get-EmulatorAttempts $emulator $key | Should -Be 1
        $failure | Should -HaveCount 1
        $failure[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
    }

    It 'retries a 500 for GET' {
        $null = Invoke-SaleschatMtlsRequest "/__faults/status/500?times=2&key=$key" -MaximumRetryCount 3 -ErrorVariable failure
        $failure | Should -BeNullOrEmpty
        Get-EmulatorAttempts $emulator $key | Should -Be 3
    }

    It 'stops at -MaximumRetryCount' {
        $null = Invoke-SaleschatMtlsRequest "/__faults/status/502?times=10&key=$key" -MaximumRetryCount 2 -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure | Should -HaveCount 1
        Get-EmulatorAttempts $emulator $key | Should -Be 3
    }

    It 'retries a connection dropped mid-body for GET' {
        $null = Invoke-SaleschatMtlsRequest "/__faults/drop?times=1&key=$key" -MaximumRetryCount 2 -ErrorVariable failure
        $failure | Should -BeNullOrEmpty
        Get-EmulatorAttempts $emulator $key | Should -Be 2
    }

    It 'does not retry a connection dropped mid-body for POST (ConnectionClosed)' {
        $null = Invoke-SaleschatMtlsRequest -Method Post "/__faults/drop?times=1&key=$key" -Body @{ x = 1 } -MaximumRetryCount 2 -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "ConnectionClosed,$cmdlet"
        Get-EmulatorAttempts $emulator $key | Should -Be 1
    }

    It 'does not wait for a Retry-After of an hour, and the error says when to come back' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = Invoke-SaleschatMtlsRequest -Method Post "/__faults/status/429?times=1&retryAfter=3600&key=$key" -Body @{ x = 1 } -MaximumRetryCount 3 -ErrorAction SilentlyContinue -ErrorVariable failure
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10   # a runbook is not parked for an hour

        $failure | Should -HaveCount 1
        $failure[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $failure[0].Exception.StatusCode | Should -Be 429
        $failure[0].Exception.Message | Should -BeLike '*3600 s (Retry-After)*'
        Get-EmulatorAttempts $emulator $key | Should -Be 1
    }
}
