# Test-SaleschatClientCertificate: every named check Saleschat's profile needs, each passed, failed or skipped on its
# own, so a failing certificate says exactly which rule it breaks.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $allChecks = @(
        'KeyAlgorithm', 'KeySize', 'SignatureAlgorithm', 'ValidityPeriod', 'CurrentlyValid',
        'MinimumDaysValid', 'ClientAuthentication', 'KeyMatchesCertificate', 'KeyFilePermissions',
        # The issuer: a self-signed certificate is named so, with no chain checks after it.
        'Issuer')
    # A valid pair with the module's profile, issued now, key mode 0600.
    $now = New-TestCertificateIssuedAt -Folder (Join-Path $TestDrive 'now') -IssuedUtc ([DateTime]::UtcNow) -Name 'c'

    function Test-Pair([string] $Cert, [string] $Key, [hashtable] $Extra = @{}) {
        $parameters = @{} + $Extra
        if ($Key) { $parameters.KeyPath = $Key }
        $result = @(Get-SaleschatClientCertificate -Path $Cert | Test-SaleschatClientCertificate @parameters)
        $result | Should -HaveCount 1
        $result[0]
    }
}

Describe 'Test-SaleschatClientCertificate' -Tag 'CI' {
    BeforeEach { $dir = New-TestFolder $TestDrive }

    It 'our own pair passes every named check, in order' {
        $key = Join-Path $dir 'c.key'; $crt = Join-Path $dir 'c.crt'
        $null = New-SaleschatClientKey -Path $key | New-SaleschatClientCertificate -Organization Acme -Path $crt

        $result = Test-Pair $crt $key

        $result.Passed | Should -BeTrue
        $result.Checks.Name | Should -Be $allChecks
        $result.Checks | ForEach-Object { "$($_.Name)=$($_.Outcome)" } | Should -Be ($allChecks | ForEach-Object { "$_=Passed" })
        $result.DaysUntilExpiry | Should -BeIn 364, 365
    }

    It 'without a key file the key checks are skipped, not passed' {
        $result = Test-Pair $now.Cert
        ($result.Checks | Where-Object Name -eq 'KeyMatchesCertificate').Outcome.ToString() | Should -BeExactly 'Skipped'
        ($result.Checks | Where-Object Name -eq 'KeyFilePermissions').Outcome.ToString() | Should -BeExactly 'Skipped'
    }

    It '-Quiet returns a bool' {
        $yes = Test-Pair $now.Cert $now.Key @{ Quiet = $true }
        $yes | Should -BeOfType [bool]
        $yes | Should -BeTrue
        $no = Test-Pair $now.Cert $now.Key @{ Quiet = $true; MinimumDaysValid = 400 }
        $no | Should -BeOfType [bool]
        $no | Should -BeFalse
    }

    It '-MinimumDaysValid fails a certificate that expires sooner' {
        $result = Test-Pair $now.Cert $now.Key @{ MinimumDaysValid = 400 }
        $result.Passed | Should -BeFalse
        $result.FailedChecks | Should -Be @('MinimumDaysValid')
    }

    It 'a key file others can read fails KeyFilePermissions, naming the mode' -Skip:$IsWindows {
        $pair = New-TestCertificateIssuedAt -Folder $dir -IssuedUtc ([DateTime]::UtcNow) -Name 'c'
        [IO.File]::SetUnixFileMode($pair.Key, [IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead')
        $result = Test-Pair $pair.Cert $pair.Key
        $result.FailedChecks | Should -Be @('KeyFilePermissions')
        ($result.Checks | Where-Object Name -eq 'KeyFilePermissions').Detail | Should -Match '0644'
    }

    It 'the key of another certificate fails KeyMatchesCertificate' {
        $other = New-TestCertificateIssuedAt -Folder $dir -IssuedUtc ([DateTime]::UtcNow) -Name 'b'
        (Test-Pair $now.Cert $other.Key).FailedChecks | Should -Be @('KeyMatchesCertificate')
    }

    It 'a SHA-1 certificate (openssl -sha1) fails SignatureAlgorithm' {
        $key = New-OpenSslKey -Folder $dir
        $crt = New-OpenSslCertificate -Folder $dir -KeyPath $key -Digest '-sha1'
        (Test-Pair $crt $key).FailedChecks | Should -Be @('SignatureAlgorithm')
    }

    It 'a 1024-bit RSA certificate fails KeySize' {
        $key = New-OpenSslKey -Folder $dir -Bits 1024
        $crt = New-OpenSslCertificate -Folder $dir -KeyPath $key
        (Test-Pair $crt).FailedChecks | Should -Be @('KeySize')
    }

    It 'an EC certificate fails KeyAlgorithm, KeySize and SignatureAlgorithm' {
        $key = Join-Path $dir 'ec.key'
        $null = Invoke-OpenSsl -Ok -WorkingDirectory $dir ecparam, -genkey, -name, prime256v1, -noout, -out, $key
        $crt = New-OpenSslCertificate -Folder $dir -KeyPath $key
        (Test-Pair $crt).FailedChecks | Should -Be @('KeyAlgorithm', 'KeySize', 'SignatureAlgorithm')
    }

    It 'an expired certificate fails CurrentlyValid and MinimumDaysValid' {
        $old = New-TestCertificateIssuedAt -Folder $dir -IssuedUtc ([DateTime]::UtcNow.AddYears(-2)) -Name 'c'
        $result = @(Get-SaleschatClientCertificate -Path $old.Cert -ErrorAction SilentlyContinue | Test-SaleschatClientCertificate -KeyPath $old.Key)
        $result | Should -HaveCount 1
        $result[0].FailedChecks | Should -Be @('CurrentlyValid', 'MinimumDaysValid')
        $result[0].DaysUntilExpiry | Should -BeLessThan 0
    }

    It 'a two-year certificate fails ValidityPeriod' {
        $result = New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme -ValidityDays 730 | Test-SaleschatClientCertificate
        $result.FailedChecks | Should -Be @('ValidityPeriod')
    }

    It 'a server-only certificate fails ClientAuthentication' {
        $key = New-OpenSslKey -Folder $dir
        $crt = New-OpenSslCertificate -Folder $dir -KeyPath $key -Name 'server.crt' -Subject '/CN=server' -Extra '-addext', 'extendedKeyUsage=serverAuth'
        (Test-Pair $crt $key).FailedChecks | Should -Be @('ClientAuthentication')
    }

    It 'client auth without digitalSignature fails ClientAuthentication with <First> first' -TestCases @(
        @{ First = 'extendedKeyUsage=clientAuth'; Second = 'keyUsage=critical,keyEncipherment' }
        @{ First = 'keyUsage=critical,keyEncipherment'; Second = 'extendedKeyUsage=clientAuth' }
    ) {
        # TLS client authentication signs the handshake: a key usage without digitalSignature is refused.
        $key = New-OpenSslKey -Folder $dir
        $crt = New-OpenSslCertificate -Folder $dir -KeyPath $key -Subject '/CN=c' -Extra '-addext', $First, '-addext', $Second
        (Test-Pair $crt $key).FailedChecks | Should -Be @('ClientAuthentication')
    }

    It 'writes every check to the verbose stream' {
        $r = Invoke-TestCommand { Get-SaleschatClientCertificate -Path $now.Cert | Test-SaleschatClientCertificate -KeyPath $now.Key -Verbose }
        $r.Errors | Should -HaveCount 0
        foreach ($name in $allChecks) { @($r.Verbose | Where-Object { $_.StartsWith("${name}:") }) | Should -Not -BeNullOrEmpty -Because "$name has a verbose line" }
    }
}
