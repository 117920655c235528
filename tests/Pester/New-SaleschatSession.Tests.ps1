# New-SaleschatSession: which host a session talks to, and the session as the place a certificate's end is noticed
# in time (a warning while there is still time to rotate, a refusal for a certificate that cannot authenticate).
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $cmdlet = 'Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand'

    # A certificate with its key, valid from IssuedUtc for ValidityDays (backdating needs .NET: the cmdlets only
    # issue certificates that start now).
    function New-DatedCertificate([int] $ValidityDays, [datetime] $IssuedUtc) {
        $rsa = [Security.Cryptography.RSA]::Create(2048)
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new(
            'O=Acme, CN=Acme-saleschat-mtls', $rsa, [Security.Cryptography.HashAlgorithmName]::SHA256,
            [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CreateSelfSigned([DateTimeOffset]$IssuedUtc, [DateTimeOffset]$IssuedUtc.AddDays($ValidityDays))
    }
}

Describe 'New-SaleschatSession picks the documented mTLS host' -Tag 'CI' {
    BeforeAll {
        $certificate = New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Env
    }

    It '<Name> gives <Expected> (<Environment>)' -TestCases @(
        @{ Name = '-Environment UAT'; Arguments = @{ Environment = 'UAT' }; Expected = 'https://mtls.apis.t.saleschat.pro/'; Environment = 'UAT' }
        @{ Name = '-Environment Production'; Arguments = @{ Environment = 'Production' }; Expected = 'https://mtls.apis.saleschat.pro/'; Environment = 'Production' }
        @{ Name = 'no -Environment'; Arguments = @{}; Expected = 'https://mtls.apis.saleschat.pro/'; Environment = 'Production' }
        @{ Name = '-Environment UAT -BaseUri https://127.0.0.1:9443'; Arguments = @{ Environment = 'UAT'; BaseUri = 'https://127.0.0.1:9443' }; Expected = 'https://127.0.0.1:9443/'; Environment = 'Custom' }
    ) {
        $session = $certificate | New-SaleschatSession -OrgId o -NoDefault @Arguments
        $session.BaseUri.ToString() | Should -BeExactly $Expected
        $session.Environment.ToString() | Should -BeExactly $Environment
    }

    It 'refuses <Name> with InvalidBaseUri: a custom host needs an https BaseUri' -TestCases @(
        @{ Name = '-Environment Custom'; Arguments = @{ Environment = 'Custom' } }
        @{ Name = '-BaseUri http://127.0.0.1:9443'; Arguments = @{ BaseUri = 'http://127.0.0.1:9443' } }
    ) {
        $output = [Collections.Generic.List[object]]::new()
        $failure = { $certificate | New-SaleschatSession -OrgId o -NoDefault @Arguments -ErrorAction Stop | ForEach-Object { $output.Add($_) } } |
            Should -Throw -ErrorId "InvalidBaseUri,$cmdlet" -PassThru
        $failure.FullyQualifiedErrorId | Should -BeExactly "InvalidBaseUri,$cmdlet"
        $output | Should -HaveCount 0
    }
}

Describe 'New-SaleschatSession warns before a certificate expires' -Tag 'CI' {
    BeforeAll {
        $target = @{ BaseUri = 'https://127.0.0.1:9/'; OrgId = 'org-1'; NoDefault = $true }
        # Key generation is the slow part: one 10-day certificate serves the cases that only read it.
        $tenDays = New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme -ValidityDays 10
    }

    It 'warns about a certificate expiring in 10 days, naming the days left, the thumbprint and the rotation cmdlet' {
        $certificate = $tenDays
        $session = New-SaleschatSession -Certificate $certificate @target -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failure
        $failure | Should -BeNullOrEmpty
        $session | Should -HaveCount 1
        $session.DaysUntilExpiry | Should -BeIn 9, 10   # whole days left, counted down from now
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -BeLike "*expires in $($session.DaysUntilExpiry) days*"
        $warnings[0].Message | Should -BeLike "*$($certificate.Thumbprint)*"
        $warnings[0].Message | Should -BeLike '*Start-SaleschatCertificateRotation*'
    }

    It '-ExpiryWarningDays lowers the threshold' {
        $certificate = $tenDays
        $session = New-SaleschatSession -Certificate $certificate @target -ExpiryWarningDays 5 -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failure
        $failure | Should -BeNullOrEmpty
        $session | Should -HaveCount 1
        $warnings | Should -BeNullOrEmpty
    }

    It 'warns that Saleschat will refuse an expired certificate' {
        $certificate = New-DatedCertificate -ValidityDays 1 -IssuedUtc ([datetime]::UtcNow.AddDays(-3))
        $null = New-SaleschatSession -Certificate $certificate @target -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -BeLike '*expired on*'
        $warnings[0].Message | Should -BeLike '*refuse*'
    }

    It 'refuses a certificate without its private key with CertificateHasNoPrivateKey' {
        $publicOnly = [Security.Cryptography.X509Certificates.X509Certificate2]::new($tenDays.RawData)   # as uploaded or exported
        $output = [Collections.Generic.List[object]]::new()
        $failure = { New-SaleschatSession -Certificate $publicOnly @target -ErrorAction Stop | ForEach-Object { $output.Add($_) } } |
            Should -Throw -ErrorId "CertificateHasNoPrivateKey,$cmdlet" -PassThru
        $failure.FullyQualifiedErrorId | Should -BeExactly "CertificateHasNoPrivateKey,$cmdlet"
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.TargetObject.Thumbprint | Should -BeExactly $publicOnly.Thumbprint
        $failure.Exception.Message | Should -BeLike '*-KeyPath*'
        $output | Should -HaveCount 0
    }
}

Describe 'Days left agree everywhere, and gates and warnings use them' -Tag 'CI' {
    BeforeAll {
        $emulator = Start-TestEmulator
    }
    AfterAll { Stop-TestEmulator $emulator }

    It 'the certificate, the check, the session and the hello call all count 19 days for a 20-day certificate' {
        $certificate = New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Soon -ValidityDays 20
        Add-EmulatorCertificate -Emulator $emulator -Certificate $certificate
        $target = @{ BaseUri = $emulator.BaseUri; OrgId = 'org-1'; Certificate = $certificate; ServerCertificateAuthority = $emulator.CaCertificate; NoDefault = $true }

        $session = New-SaleschatSession @target -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failure
        $values = @(
            $certificate.DaysUntilExpiry
            (Test-SaleschatClientCertificate $certificate).DaysUntilExpiry
            $session.DaysUntilExpiry
            (Test-SaleschatMtls -Session $session).DaysUntilExpiry
            Test-SaleschatClientCertificate $certificate -MinimumDaysValid 19 -Quiet
            Test-SaleschatClientCertificate $certificate -MinimumDaysValid 20 -Quiet
        )
        $null = New-SaleschatSession @target -ExpiryWarningDays 10 -WarningVariable +warnings -WarningAction SilentlyContinue -ErrorVariable +failure

        $failure | Should -BeNullOrEmpty
        $values | Should -Be @(19, 19, 19, 19, $true, $false)
        $warnings | Should -HaveCount 1   # the default threshold warns; -ExpiryWarningDays 10 does not
        $warnings[0].Message | Should -BeLike '*expires in 19 days*'
    }
}
