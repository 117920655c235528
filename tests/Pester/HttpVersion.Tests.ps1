# Calls ask for HTTP/2 (many requests on one connection) and fall back to HTTP/1.1 where the edge offers no h2, as
# many proxies and load balancers do. The emulator reports the protocol of the last request (/stats lastProtocol).
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
}

Describe 'HTTP/2 where the server offers it' -Tag 'CI' {
    BeforeAll {
        $emulator = Start-TestEmulator
        $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    }
    AfterAll { Stop-TestEmulator $emulator }

    It 'negotiates HTTP/2' {
        $null = New-TestSession -Emulator $emulator -Pair $pair
        Invoke-SaleschatMtlsRequest '/__faults/text' | Should -BeExactly 'plain text body'
        (Get-EmulatorStats $emulator).lastProtocol | Should -BeExactly 'HTTP/2'
    }
}

Describe 'HTTP/1.1 where the server offers only that' -Tag 'CI', 'Slow' {
    BeforeAll {
        $http1 = Start-TestEmulator -ArgumentList '--protocols', 'Http1'
        $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair1') -Emulator $http1
    }
    AfterAll { Stop-TestEmulator $http1 }

    It 'falls back to HTTP/1.1 for calls and for the hello test' {
        $null = New-TestSession -Emulator $http1 -Pair $pair
        Invoke-SaleschatMtlsRequest '/__faults/text' | Should -BeExactly 'plain text body'
        (Get-EmulatorStats $http1).lastProtocol | Should -BeExactly 'HTTP/1.1'

        $test = Test-SaleschatMtls
        $test.Success | Should -BeTrue -Because $test.ToString()
        $test.HttpVersion | Should -BeExactly 'HTTP/1.1'
    }

    It 'still reuses one connection for sequential calls (keep-alive, not a handshake per call)' {
        $null = New-TestSession -Emulator $http1 -Pair $pair
        $null = Invoke-SaleschatMtlsRequest '/__faults/text'   # the pool's connection exists
        $before = [long](Get-EmulatorStats $http1).tlsConnections

        $n = 0
        foreach ($i in 1..50) { if ((Invoke-SaleschatMtlsRequest '/__faults/text') -eq 'plain text body') { $n++ } }

        $n | Should -Be 50
        [long](Get-EmulatorStats $http1).tlsConnections - $before | Should -Be 0
    }
}

Describe 'The emulator''s --protocols option' -Tag 'CI', 'Slow' {
    It 'is documented in --help and refuses an unknown value with exit code 2' {
        $configuration = if ($env:SALESCHAT_TEST_CONFIGURATION) { $env:SALESCHAT_TEST_CONFIGURATION } else { 'Release' }
        $dll = [IO.Path]::Combine((Get-RepoRoot), 'tests', 'Saleschat.Emulator', 'bin', $configuration, 'net10.0', 'Saleschat.Emulator.dll')
        $help = & dotnet $dll --help 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0
        $help | Should -BeLike '*--protocols Http1|Http2|Http1AndHttp2*'

        $bad = & dotnet $dll --protocols Http3 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 2
        $bad | Should -BeLike "*--protocols: unknown value 'Http3'*"
    }
}
