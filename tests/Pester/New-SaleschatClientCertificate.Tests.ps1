# New-SaleschatClientCertificate: a self-signed client certificate with Saleschat's profile, from a piped key or a
# key file; the file written holds only the public certificate; nothing is replaced without -Force.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $cmdlet = 'Saleschat.Mtls.Cmdlets.NewSaleschatClientCertificateCommand'
}

Describe 'New-SaleschatClientCertificate' -Tag 'CI' {
    BeforeEach { $dir = New-TestFolder $TestDrive }

    It 'a piped key gives a certificate with its key, and a file with only the public certificate' {
        $path = Join-Path $dir 'c.crt'

        $cert = @(New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme -Path $path)

        $cert | Should -HaveCount 1
        $cert[0] | Should -BeOfType [Security.Cryptography.X509Certificates.X509Certificate2]
        $cert[0].HasPrivateKey | Should -BeTrue
        $cert[0].Subject | Should -BeExactly 'CN=Acme-saleschat-mtls, OU=Technology, O=Acme'
        $cert[0].DaysUntilExpiry | Should -BeIn 364, 365
        $cert[0].PSObject.TypeNames | Should -Contain 'Saleschat.Mtls.ClientCertificate'

        $text = [IO.File]::ReadAllText($path)
        ([regex]::Matches($text, '-----BEGIN CERTIFICATE-----')).Count | Should -Be 1
        $text | Should -Not -Match 'PRIVATE KEY'
        [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem($text).Thumbprint | Should -BeExactly $cert[0].Thumbprint
        (Get-ChildItem $dir).Name | Should -Be @('c.crt')
    }

    It 'the -KeyPath form signs with the key in the file (openssl agrees on the modulus)' {
        $key = New-OpenSslKey -Folder $dir
        $crt = Join-Path $dir 'c.crt'

        $cert = New-SaleschatClientCertificate -KeyPath $key -Organization Acme -Country IN -State Maharashtra -Locality Mumbai -Path $crt

        $cert.HasPrivateKey | Should -BeTrue
        $cert.Subject | Should -BeExactly 'CN=Acme-saleschat-mtls, OU=Technology, O=Acme, L=Mumbai, S=Maharashtra, C=IN'
        $keyModulus = Invoke-OpenSsl -Ok -WorkingDirectory $dir rsa, -in, $key, -noout, -modulus
        $keyModulus | Should -Match '^Modulus='
        Invoke-OpenSsl -Ok -WorkingDirectory $dir x509, -in, $crt, -noout, -modulus | Should -BeExactly $keyModulus
    }

    It '-ValidityDays sets the window' {
        $cert = New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme -ValidityDays 30
        ($cert.NotAfter - $cert.NotBefore) | Should -Be ([TimeSpan]::FromDays(30))
    }

    It '-WhatIf writes nothing' {
        $key = New-OpenSslKey -Folder $dir
        $r = Invoke-TestCommand { New-SaleschatClientCertificate -KeyPath $key -Organization Acme -Path (Join-Path $dir 'c.crt') -WhatIf }
        $r.Errors | Should -HaveCount 0
        $r.Output | Should -HaveCount 0
        (Get-ChildItem $dir).Name | Should -Be @('client.key')
    }

    It 'an existing certificate file survives without -Force and is replaced with it' {
        $path = Join-Path $dir 'c.crt'
        [IO.File]::WriteAllText($path, 'the certificate already uploaded')
        $before = [IO.File]::ReadAllBytes($path)

        $r = Invoke-TestCommand { New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme -Path $path }

        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeExactly "CertificateFileExists,$cmdlet"
        $r.Errors[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $r.Errors[0].TargetObject | Should -BeExactly $path
        $r.Output | Should -HaveCount 0
        [IO.File]::ReadAllBytes($path) | Should -Be $before

        $null = New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme -Path $path -Force
        Get-Content -LiteralPath $path -TotalCount 1 | Should -BeExactly '-----BEGIN CERTIFICATE-----'
        (Get-ChildItem $dir).Name | Should -Be @('c.crt')
    }

    It 'takes the subject of an old certificate back in, as a renewal script does' {
        # .NET quotes values holding a comma in .Subject; passing it back must give the same name, byte for byte.
        $old = New-SaleschatClientKey | New-SaleschatClientCertificate -Subject '/C=IN/O=Acme, Inc/OU=Technology/CN=Acme, Inc-saleschat-mtls'
        $new = New-SaleschatClientKey | New-SaleschatClientCertificate -Subject $old.Subject
        $old.Subject | Should -BeExactly 'CN="Acme, Inc-saleschat-mtls", OU=Technology, O="Acme, Inc", C=IN'
        $new.Subject | Should -BeExactly $old.Subject
        [Convert]::ToBase64String($new.SubjectName.RawData) | Should -BeExactly ([Convert]::ToBase64String($old.SubjectName.RawData))
    }

    It 'several piped keys give one certificate each' {
        $certs = @(1, 2 | ForEach-Object { New-SaleschatClientKey } | New-SaleschatClientCertificate -Organization Acme)
        $certs | Should -HaveCount 2
        $certs[0].Thumbprint | Should -Not -Be $certs[1].Thumbprint
    }
}
