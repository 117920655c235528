# Get-SaleschatClientCertificate: reads a certificate (and its key) from PEM text, base64 of PEM, a bundle, a DER or
# PEM file; warns about an expired certificate and about one not valid yet.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $cmdlet = 'Saleschat.Mtls.Cmdlets.GetSaleschatClientCertificateCommand'
    $pair = New-OpenSslPair -Folder (Join-Path $TestDrive 'pair')
}

Describe 'Get-SaleschatClientCertificate' -Tag 'CI' {
    BeforeEach { $dir = New-TestFolder $TestDrive }

    It 'reads PEM text as a CI secret holds it' {
        $loaded = @(Get-SaleschatClientCertificate -Pem ([IO.File]::ReadAllText($pair.Cert)))
        $loaded | Should -HaveCount 1
        $loaded[0].Thumbprint | Should -BeExactly $pair.Thumbprint
        $loaded[0].HasPrivateKey | Should -BeFalse
        $loaded[0].DaysUntilExpiry | Should -BeIn 364, 365
    }

    It 'reads base64 of PEM <Form>' -TestCases @(
        @{ Form = 'on one line'; Wrapped = $false }
        @{ Form = 'wrapped at 76'; Wrapped = $true }
    ) {
        $encode = {
            param($path)
            $options = if ($Wrapped) { 'InsertLineBreaks' } else { 'None' }
            $b64 = [Convert]::ToBase64String([IO.File]::ReadAllBytes($path), $options).Replace("`r`n", "`n")
            $b64.Contains("`n") | Should -Be $Wrapped
            $b64
        }
        $loaded = Get-SaleschatClientCertificate -Pem (& $encode $pair.Cert) -KeyPem (& $encode $pair.Key)
        $loaded.Thumbprint | Should -BeExactly $pair.Thumbprint
        $loaded.HasPrivateKey | Should -BeTrue
    }

    It 'reads a PEM bundle holding certificate and key, as text and as a file' {
        $bundle = [IO.File]::ReadAllText($pair.Cert) + [IO.File]::ReadAllText($pair.Key)
        $fromText = Get-SaleschatClientCertificate -Pem $bundle
        $fromText.Thumbprint | Should -BeExactly $pair.Thumbprint
        $fromText.HasPrivateKey | Should -BeTrue

        $file = Join-Path $dir 'bundle.pem'
        [IO.File]::WriteAllText($file, $bundle)
        (Get-SaleschatClientCertificate -Path $file).HasPrivateKey | Should -BeTrue
    }

    It 'reads a DER certificate file (made by openssl) with its key' {
        $der = Join-Path $dir 'c.der'
        $null = Invoke-OpenSsl -Ok -WorkingDirectory $dir x509, -in, $pair.Cert, -outform, DER, -out, $der
        $loaded = Get-SaleschatClientCertificate -Path $der -KeyPath $pair.Key
        $loaded.Thumbprint | Should -BeExactly $pair.Thumbprint
        $loaded.HasPrivateKey | Should -BeTrue
    }

    It 'outputs an expired certificate with a warning, as every cmdlet loads one, so it can be tested and rotated' {
        $old = New-TestCertificateIssuedAt -Folder $dir -IssuedUtc ([DateTime]::UtcNow.AddYears(-2))

        # -ErrorAction Continue: what a user's shell has, whatever the runner of this suite prefers.
        $r = Invoke-TestCommand { Get-SaleschatClientCertificate -Path $old.Cert -ErrorAction Continue }

        $r.Errors | Should -HaveCount 0
        $r.Warnings -match 'expired on' | Should -Not -BeNullOrEmpty
        $r.Output | Should -HaveCount 1
        $r.Output[0].DaysUntilExpiry | Should -BeLessThan 0
    }

    It 'lets a runbook go on under -ErrorAction Stop with an expired certificate (the warning is not an error)' {
        $old = New-TestCertificateIssuedAt -Folder $dir -IssuedUtc ([DateTime]::UtcNow.AddYears(-2))
        $r = Invoke-TestCommand { Get-SaleschatClientCertificate -Path $old.Cert -ErrorAction Stop -WarningAction SilentlyContinue; 'went on' }
        $r.Errors | Should -HaveCount 0
        $r.Output | Should -Contain 'went on'
    }

    It 'warns about a certificate not valid yet, and outputs it without error' {
        $future = New-TestCertificateIssuedAt -Folder $dir -IssuedUtc ([DateTime]::UtcNow.AddDays(3))
        $r = Invoke-TestCommand { Get-SaleschatClientCertificate -Path $future.Cert }
        $r.Errors | Should -HaveCount 0
        $r.Output | Should -HaveCount 1
        $r.Warnings -match 'not valid before' | Should -Not -BeNullOrEmpty
    }

    It 'binds -Path from the pipeline by property name (a FileInfo)' {
        $loaded = Get-Item -LiteralPath $pair.Cert | Get-SaleschatClientCertificate
        $loaded.Thumbprint | Should -BeExactly $pair.Thumbprint
        ([IO.FileInfo]::new($pair.Cert) | Get-SaleschatClientCertificate).Thumbprint | Should -BeExactly $pair.Thumbprint
    }
}
