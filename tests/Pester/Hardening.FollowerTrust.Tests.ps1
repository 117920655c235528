# A session that follows its certificate files holds the promoted pair to the same rule as New-SaleschatSession: a
# key file others can read or write is refused (UnprotectedKeyFile), so swapping such a pair in does not switch it.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'A followed pair passes the key-file check' -Tag 'CI' {
    It 'keeps the old certificate when the new key on disk is <Mode>' -TestCases @(
        @{ Mode = '644' }
        @{ Mode = '666' }
    ) {
        param($Mode)
        if ($IsWindows) { Set-ItResult -Skipped -Because 'Unix file modes'; return }
        $a = New-TestClientPair -Folder (Join-Path $TestDrive "a$Mode")
        $b = New-TestClientPair -Folder (Join-Path $TestDrive "b$Mode")
        Add-EmulatorCertificate -Emulator $emulator -Certificate $a.CertificatePath
        $session = New-TestSession -Emulator $emulator -Pair $a -Extra @{ NoDefault = $true }
        try {
            $old = $session.Thumbprint
            Copy-Item -LiteralPath $b.CertificatePath -Destination $a.CertificatePath -Force
            Copy-Item -LiteralPath $b.KeyPath -Destination $a.KeyPath -Force
            & chmod $Mode $a.KeyPath
            # Only the new certificate is known now: the refusal makes the session look at its files at once.
            Clear-EmulatorCertificates -Emulator $emulator
            Add-EmulatorCertificate -Emulator $emulator -Certificate $b.CertificatePath
            $verbose = Test-SaleschatMtls -Session $session -Verbose 4>&1
            $session.Thumbprint | Should -BeExactly $old -Because ($verbose -join "`n")
            @($verbose | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match 'UnprotectedKeyFile' }) | Should -Not -BeNullOrEmpty -Because ($verbose -join "`n")
        }
        finally { $session.Dispose(); Clear-EmulatorCertificates -Emulator $emulator }
    }
}

Describe 'Test-SaleschatMtls on the call that switches to a promoted pair' -Tag 'CI' {
    It 'answers Success with the new pair instead of failing on the released old certificate' {
        $a = New-TestClientPair -Folder (Join-Path $TestDrive 'switch-a')
        $b = New-TestClientPair -Folder (Join-Path $TestDrive 'switch-b')
        Add-EmulatorCertificate -Emulator $emulator -Certificate $a.CertificatePath
        $session = New-TestSession -Emulator $emulator -Pair $a -Extra @{ NoDefault = $true }
        try {
            Copy-Item -LiteralPath $b.CertificatePath -Destination $a.CertificatePath -Force
            Copy-Item -LiteralPath $b.KeyPath -Destination $a.KeyPath -Force
            Clear-EmulatorCertificates -Emulator $emulator
            Add-EmulatorCertificate -Emulator $emulator -Certificate $b.CertificatePath
            $result = Test-SaleschatMtls -Session $session -ErrorAction Stop
            $result.Diagnosis.ToString() | Should -BeExactly 'Success' -Because $result.Message
            $result.Thumbprint | Should -BeExactly $b.Certificate.Thumbprint
            $session.Thumbprint | Should -BeExactly $b.Certificate.Thumbprint
        }
        finally { $session.Dispose(); Clear-EmulatorCertificates -Emulator $emulator }
    }
}

Describe 'A closed session that follows its files' -Tag 'CI' {
    It 'gives SessionClosed once its files are due to be looked at again' {
        $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'closed')
        Add-EmulatorCertificate -Emulator $emulator -Certificate $pair.CertificatePath
        $session = New-TestSession -Emulator $emulator -Pair $pair -Extra @{ NoDefault = $true }
        Invoke-SaleschatMtlsRequest -Session $session '/v4/orgs/{orgId}/mtls/hello' | Should -Be 'Hello, world!'
        $session.Dispose()
        # The files are looked at no more than every 3 s (CertificateFileFollower.Interval): past it, the next call looks.
        Start-Sleep -Milliseconds 3500
        $failure = $null
        $null = Invoke-SaleschatMtlsRequest -Session $session '/v4/orgs/{orgId}/mtls/hello' -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeExactly 'SessionClosed,Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'
        Clear-EmulatorCertificates -Emulator $emulator
    }
}
