# An expired certificate behaves the same in every cmdlet that loads one: a warning plus the object, so it
# can be tested, inspected and rotated; Test-SaleschatClientCertificate checks files directly, expired ones included.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $valid = New-TestClientPair -Folder (Join-Path $TestDrive 'valid') -Name valid
    $expired = New-TestExpiredClientPair -Folder (Join-Path $TestDrive 'expired')
    $other = New-TestClientPair -Folder (Join-Path $TestDrive 'other') -Name other
}

Describe 'Loading an expired certificate' -Tag 'CI' {
    It 'Get-SaleschatClientCertificate warns and outputs it, with no error' {
        $certificate = Get-SaleschatClientCertificate -Path $expired.CertificatePath -KeyPath $expired.KeyPath -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failures
        $failures | Should -BeNullOrEmpty
        $certificate.Thumbprint | Should -Be $expired.Certificate.Thumbprint
        $certificate.HasPrivateKey | Should -BeTrue
        $certificate.DaysUntilExpiry | Should -BeLessThan 0
        $warnings | Should -HaveCount 1
        "$warnings" | Should -Match 'expired on .*Start-SaleschatCertificateRotation'
    }

    It 'Get-SaleschatClientCertificate -ErrorAction Stop goes on with it' {
        { Get-SaleschatClientCertificate -Path $expired.CertificatePath -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Not -Throw
    }

    It 'New-SaleschatSession warns the same way and makes the session' {
        $session = New-SaleschatSession -BaseUri 'https://127.0.0.1:9/' -OrgId org-1 -CertificatePath $expired.CertificatePath -KeyPath $expired.KeyPath -NoDefault -WarningVariable warnings -WarningAction SilentlyContinue
        try {
            $session.Thumbprint | Should -Be $expired.Certificate.Thumbprint
            "$warnings" | Should -Match 'expired on'
        }
        finally { $session.Dispose() }
    }
}

Describe 'Test-SaleschatClientCertificate -Path' -Tag 'CI' {
    It 'checks a valid file and its key: every check passes' {
        $result = Test-SaleschatClientCertificate -Path $valid.CertificatePath -KeyPath $valid.KeyPath
        $result.Passed | Should -BeTrue
        $result.Thumbprint | Should -Be $valid.Certificate.Thumbprint
        ($result.Checks | Where-Object Name -eq 'KeyMatchesCertificate').Passed | Should -BeTrue
    }

    It 'checks an expired file without throwing: CurrentlyValid fails, the rest is still checked' {
        $result = Test-SaleschatClientCertificate -Path $expired.CertificatePath -KeyPath $expired.KeyPath -ErrorAction Stop
        $result.Passed | Should -BeFalse
        ($result.Checks | Where-Object Name -eq 'CurrentlyValid').Passed | Should -BeFalse
        ($result.Checks | Where-Object Name -eq 'KeyMatchesCertificate').Passed | Should -BeTrue
        ($result.Checks | Where-Object Name -eq 'KeyAlgorithm').Passed | Should -BeTrue
        Test-SaleschatClientCertificate -Path $expired.CertificatePath -Quiet | Should -BeFalse
    }

    It 'reports a key file of another pair as a failed check, not an error' {
        $result = Test-SaleschatClientCertificate -Path $valid.CertificatePath -KeyPath $other.KeyPath -ErrorAction Stop
        ($result.Checks | Where-Object Name -eq 'KeyMatchesCertificate').Passed | Should -BeFalse
        $result.Passed | Should -BeFalse
    }

    It 'resolves a relative -Path from the PowerShell location, and takes files from the pipeline' {
        Push-Location (Split-Path $valid.CertificatePath)
        try { (Test-SaleschatClientCertificate -Path './valid.crt').Thumbprint | Should -Be $valid.Certificate.Thumbprint }
        finally { Pop-Location }
        $results = Get-Item $valid.CertificatePath, $expired.CertificatePath | Test-SaleschatClientCertificate
        $results.Passed | Should -Be $true, $false
    }

    It 'a missing file is CertificateFileNotFound' {
        { Test-SaleschatClientCertificate -Path (Join-Path $TestDrive 'missing.crt') -ErrorAction Stop } |
            Should -Throw -ErrorId 'CertificateFileNotFound,Saleschat.Mtls.Cmdlets.TestSaleschatClientCertificateCommand'
    }
}
