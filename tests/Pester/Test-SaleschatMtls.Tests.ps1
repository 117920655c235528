# Test-SaleschatMtls: the hello call, and a diagnosis a user can act on for every way it fails.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    # A pair that was never uploaded (key generation is the slow part of these tests: one pair serves every case).
    $stranger = New-TestClientPair -Folder (Join-Path $TestDrive 'stranger') -Name o -NoUpload
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'Test-SaleschatMtls' -Tag 'CI' {
    It 'gets hello world for an uploaded certificate' {
        $session = New-TestSession -Emulator $emulator -Pair $pair
        $result = Test-SaleschatMtls

        $result.Success | Should -BeTrue -Because $result.ToString()
        $result.Diagnosis.ToString() | Should -BeExactly 'Success'
        $result.StatusCode | Should -Be 200
        $result.Body | Should -BeExactly 'Hello, world!'
        $result.HttpVersion | Should -BeExactly 'HTTP/2.0'
        $result.Uri.ToString() | Should -BeLike '*/v4/orgs/org-1/mtls/hello'
        $result.DaysUntilExpiry | Should -BeIn 364, 365
        $result.Thumbprint | Should -BeExactly $session.Thumbprint
        Test-SaleschatMtls -Quiet | Should -BeTrue
    }

    It 'diagnoses a certificate that was never uploaded as ClientCertificateRefused' {
        $session = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId org-1 -CertificatePath $stranger.CertificatePath -KeyPath $stranger.KeyPath -ServerCertificateAuthority $emulator.CaCertificate -NoDefault -MaximumRetryCount 0
        $result = Test-SaleschatMtls -Session $session

        $result.Success | Should -BeFalse
        $result.Diagnosis.ToString() | Should -BeExactly 'ClientCertificateRefused'
        $result.Message | Should -BeLike '*Settings > mTLS*'
    }

    It 'refuses a server whose CA is not trusted and diagnoses ServerCertificateUntrusted' {
        $session = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId org-1 -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -NoDefault -MaximumRetryCount 0
        $result = Test-SaleschatMtls -Session $session

        $result.Diagnosis.ToString() | Should -BeExactly 'ServerCertificateUntrusted'
        $result.Message | Should -BeLike '*-ServerCertificateAuthority*'
    }

    It 'does not accept another CA in place of the one that signed the server certificate' {
        $otherCa = $stranger.Certificate   # a self-signed certificate, not the emulator's CA
        $session = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId org-1 -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ServerCertificateAuthority $otherCa -NoDefault -MaximumRetryCount 0
        (Test-SaleschatMtls -Session $session).Diagnosis.ToString() | Should -BeExactly 'ServerCertificateUntrusted'
    }

    It 'diagnoses a wrong org as WrongOrganization' {
        $session = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId org-unknown -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ServerCertificateAuthority $emulator.CaCertificate -NoDefault
        (Test-SaleschatMtls -Session $session).Diagnosis.ToString() | Should -BeExactly 'WrongOrganization'
    }

    It 'diagnoses an unresolvable host as DnsFailure' {
        $session = New-SaleschatSession -BaseUri https://saleschat-mtls-test.invalid/ -OrgId org-1 -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -NoDefault -MaximumRetryCount 0 -TimeoutSec 20
        (Test-SaleschatMtls -Session $session).Diagnosis.ToString() | Should -BeExactly 'DnsFailure'
    }

    It 'diagnoses a closed port as ConnectionRefused' {
        $port = Get-FreeTcpPort
        $session = New-SaleschatSession -BaseUri "https://127.0.0.1:$port/" -OrgId org-1 -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -NoDefault -MaximumRetryCount 0
        (Test-SaleschatMtls -Session $session).Diagnosis.ToString() | Should -BeExactly 'ConnectionRefused'
    }

    It 'diagnoses a server that never answers as Timeout, within -TimeoutSec' {
        $silent = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $silent.Start()   # accepts connections (backlog) and never speaks TLS
        try {
            $session = New-SaleschatSession -BaseUri "https://127.0.0.1:$($silent.LocalEndpoint.Port)/" -OrgId org-1 -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -NoDefault -MaximumRetryCount 0 -TimeoutSec 1
            $result = Test-SaleschatMtls -Session $session
        }
        finally { $silent.Stop() }

        $result.Diagnosis.ToString() | Should -BeExactly 'Timeout'
        $result.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.9
        $result.Elapsed.TotalSeconds | Should -BeLessOrEqual 10
    }

    It 'retries a dropped connection once, so a refusal by an edge that closes the connection is diagnosed quickly' {
        $closing = Start-CaptureServer -Close   # accepts and closes at once, like an edge dropping an unknown certificate
        try {
            $session = New-SaleschatSession -BaseUri "https://127.0.0.1:$($closing.Port)/" -OrgId org-1 -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -NoDefault -MaximumRetryCount 5 -RetryIntervalSec 0
            $result = Test-SaleschatMtls -Session $session
            $accepted = $closing.Connections
        }
        finally { $closing.Dispose() }

        $result.Diagnosis.ToString() | Should -BeExactly 'ClientCertificateRefused'
        $accepted | Should -Be 2
    }
}

Describe 'Test-SaleschatMtls against an edge that answers 403 for an unknown certificate' -Tag 'CI', 'Slow' {
    BeforeAll { $edge403 = Start-TestEmulator -Refusal Http403 }
    AfterAll { Stop-TestEmulator $edge403 }

    It 'diagnoses the 403 as ClientCertificateRefused' {
        $session = New-SaleschatSession -BaseUri $edge403.BaseUri -OrgId org-1 -CertificatePath $stranger.CertificatePath -KeyPath $stranger.KeyPath -ServerCertificateAuthority $edge403.CaCertificate -NoDefault
        $result = Test-SaleschatMtls -Session $session

        $result.Diagnosis.ToString() | Should -BeExactly 'ClientCertificateRefused'
        $result.StatusCode | Should -Be 403
    }
}
