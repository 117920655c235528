# nginx's 400 page as a refusal, fast, on the emulator's fourth refusal mode; the real nginx runs in
# Edges.Tests.ps1 (tag Edge).
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator -Refusal NginxPage
    $registered = New-TestClientPair -Folder (Join-Path $TestDrive 'registered') -Emulator $emulator -Name registered
    $unregistered = New-TestClientPair -Folder (Join-Path $TestDrive 'unregistered') -Name unregistered -NoUpload
    $cmdlet = 'Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'
}

AfterAll {
    Stop-TestEmulator $emulator
}

Describe 'An edge that answers nginx''s 400 page' -Tag 'CI' {
    It 'accepts a registered certificate' {
        $session = New-TestSession -Emulator $emulator -Pair $registered -Extra @{ NoDefault = $true }
        try { (Test-SaleschatMtls -Session $session).Diagnosis | Should -Be 'Success' } finally { $session.Dispose() }
    }

    It 'Test-SaleschatMtls diagnoses an unregistered certificate as refused, quoting the page' {
        $session = New-TestSession -Emulator $emulator -Pair $unregistered -Extra @{ NoDefault = $true }
        try { $result = Test-SaleschatMtls -Session $session } finally { $session.Dispose() }
        $result.Diagnosis | Should -Be 'ClientCertificateRefused'
        $result.StatusCode | Should -Be 400
        $result.Message | Should -BeLike "*HTTP 400 'The SSL certificate error'*Upload it*"
        $result.Elapsed.TotalSeconds | Should -BeLessThan 3
    }

    It 'Invoke-SaleschatMtlsRequest names the refusal, keeps the page in ErrorDetails, and does not retry' {
        $session = New-TestSession -Emulator $emulator -Pair $unregistered -Extra @{ NoDefault = $true; RetryIntervalSec = 1 }
        try {
            $null = Invoke-SaleschatMtlsRequest -Session $session '/v4/orgs/{orgId}/mtls/hello' -ErrorVariable failures -ErrorAction SilentlyContinue
        }
        finally { $session.Dispose() }
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be "ServerRefusedClientCertificate,$cmdlet"
        $failures[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $failures[0].Exception.Message | Should -Match 'refused the client certificate \(HTTP 400'
        $failures[0].ErrorDetails.Message | Should -Match '<title>400 The SSL certificate error</title>'
        $failures[0].Exception.Response.Attempts | Should -Be 1
    }
}

Describe 'The emulator documents the mode' -Tag 'CI' {
    It 'lists NginxPage in --help' {
        $dll = [IO.Path]::Combine((Get-RepoRoot), 'tests', 'Saleschat.Emulator', 'bin', 'Release', 'net10.0', 'Saleschat.Emulator.dll')
        $help = & dotnet $dll --help 2>&1
        "$help" | Should -Match 'NginxPage'
    }
}
