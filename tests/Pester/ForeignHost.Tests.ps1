# The API key and the client certificate go only to the session's host: every path a user
# or a script can pass is resolved, then the final URI is checked before any connection is made.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    $session = New-TestSession -Emulator $emulator -Pair $pair
    $capture = Start-CaptureServer
    $cmdlet = 'Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'
}

AfterAll {
    if ($capture) { $capture.Dispose() }
    Stop-TestEmulator $emulator
}

Describe 'Invoke-SaleschatMtlsRequest refuses any URI off the session''s host' -Tag 'CI' {
    BeforeEach { $capture.Received.Clear(); $capture.Connections = 0 }

    It 'refuses <Path> with ForeignHostRefused and sends nothing' -TestCases @(
        @{ Path = '/http://127.0.0.1:{port}/steal' }
        @{ Path = '//http://127.0.0.1:{port}/steal' }
        @{ Path = '/ http://127.0.0.1:{port}/steal' }
        @{ Path = 'http://127.0.0.1:{port}/steal' }
        @{ Path = '/https://127.0.0.1:{port}/steal' }
        @{ Path = 'https://127.0.0.1:{port}/steal' }
    ) {
        $target = $Path.Replace('{port}', $capture.Port)
        { Invoke-SaleschatMtlsRequest $target -ErrorAction Stop } |
            Should -Throw -ErrorId "ForeignHostRefused,$cmdlet"
        $capture.Connections | Should -Be 0
        $capture.AllText() | Should -Not -Match 'Bearer'
    }

    It 'keeps <Path> on the session''s host or refuses it, and never connects elsewhere' -TestCases @(
        @{ Path = '//127.0.0.1:{port}/steal' }
        @{ Path = '///127.0.0.1:{port}/steal' }
        @{ Path = 'http:127.0.0.1:{port}/steal' }
        @{ Path = 'https:/127.0.0.1:{port}/steal' }
    ) {
        $target = $Path.Replace('{port}', $capture.Port)
        $null = Invoke-SaleschatMtlsRequest $target -MaximumRetryCount 0 -ErrorAction SilentlyContinue -ErrorVariable failure
        # A path on the session's own host answers 404 from the emulator; anything else is refused before connecting.
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -Match "^(SaleschatApiError|InvalidApiPath|ForeignHostRefused),$cmdlet$"
        $capture.Connections | Should -Be 0
    }

    It 'gives its own error record for <Path>, also under -ErrorAction SilentlyContinue' -TestCases @(
        @{ Path = '\\127.0.0.1\x' }
        @{ Path = '/\\127.0.0.1/x' }
        @{ Path = "/v2/org/{orgId}/contact`r`nX-Injected: 1" }
    ) {
        $result = Invoke-SaleschatMtlsRequest $Path -ErrorAction SilentlyContinue -ErrorVariable failure
        $result | Should -BeNullOrEmpty
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -Match "^(InvalidApiPath|ForeignHostRefused),$cmdlet$"
        $failure[0].Exception | Should -Not -BeOfType [UriFormatException]
        $capture.Connections | Should -Be 0
    }

    It 'still accepts an absolute URL on the session''s own host' {
        $url = [uri]::new($emulator.BaseUri, "v4/orgs/$($emulator.OrgId)/mtls/hello").AbsoluteUri
        Invoke-SaleschatMtlsRequest $url | Should -Be 'Hello, world!'
    }

    It 'refuses the session''s host over another port' {
        $url = "https://127.0.0.1:$($capture.Port)/v4/orgs/x/mtls/hello"
        { Invoke-SaleschatMtlsRequest $url -ErrorAction Stop } | Should -Throw -ErrorId "ForeignHostRefused,$cmdlet"
        $capture.Connections | Should -Be 0
    }

    It 'refuses a Host header that would pick another virtual host (<HostName>), before connecting' -TestCases @(
        @{ HostName = 'localhost' }
        @{ HostName = 'evil.example' }
        @{ HostName = '127.0.0.1' }
    ) {
        $before = (Get-EmulatorStats -Emulator $emulator).requests
        { Invoke-SaleschatMtlsRequest '/v4/orgs/{orgId}/mtls/hello' -Headers @{ host = $HostName } -ErrorAction Stop } |
            Should -Throw -ErrorId "HostHeaderNotAllowed,$cmdlet"
        (Get-EmulatorStats -Emulator $emulator).requests | Should -Be $before
    }
}
