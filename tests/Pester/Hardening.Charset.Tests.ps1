# A charset the platform refuses (utf-7: .NET 5+ throws NotSupportedException for it) or does not know is read as an
# unknown charset (UTF-8), on success and error answers alike: never a raw .NET exception that ignores -ErrorAction
# and ends a -ThrottleLimit pipeline.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    $null = New-TestSession -Emulator $emulator -Pair $pair
    $invoke = 'Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'A charset the platform refuses is an unknown charset' -Tag 'CI' {
    It 'reads charset=<Charset> answers down a pipeline <Mode>' -TestCases @(
        @{ Charset = 'utf-7'; Mode = 'one at a time'; Throttle = 1 }
        @{ Charset = 'utf-7'; Mode = 'with -ThrottleLimit 4'; Throttle = 4 }
        @{ Charset = 'x-no-such-charset'; Mode = 'with -ThrottleLimit 4'; Throttle = 4 }
    ) {
        $answers = 1..6 | ForEach-Object { @{ i = $_ } } |
            Invoke-SaleschatMtlsRequest -Method Post '/__faults/charset' -Query @{ name = $Charset } -ThrottleLimit $Throttle -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures | Should -HaveCount 0
        $answers | Should -HaveCount 6
        @($answers | Where-Object ok -EQ $true) | Should -HaveCount 6
    }

    It 'gives an error answer in charset=utf-7 as designed error records that -ErrorAction SilentlyContinue keeps quiet, and the pipeline goes on' {
        $answers = 1..4 | ForEach-Object { @{ i = $_ } } |
            Invoke-SaleschatMtlsRequest -Method Post '/__faults/charset' -Query @{ name = 'utf-7'; status = 409 } -ThrottleLimit 2 -MaximumRetryCount 0 -ErrorAction SilentlyContinue -ErrorVariable failures
        $answers | Should -BeNullOrEmpty
        $failures | Should -HaveCount 4
        foreach ($failure in $failures) {
            $failure.FullyQualifiedErrorId | Should -BeExactly "SaleschatApiError,$invoke"
            $failure.Exception.Message | Should -BeLike '*4000001*'
        }
    }
}
