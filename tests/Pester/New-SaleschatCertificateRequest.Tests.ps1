# New-SaleschatCertificateRequest: a PKCS#10 CSR for the enterprise's own CA, from a piped key or a key file, with the
# same subject parameters and defaults as New-SaleschatClientCertificate; openssl must accept it and show the requested
# client-auth extensions; the file is public (0644), written atomically, and replaced only with -Force.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $cmdlet = 'Saleschat.Mtls.Cmdlets.NewSaleschatCertificateRequestCommand'
}

Describe 'New-SaleschatCertificateRequest' -Tag 'CI', 'Slow' {
    BeforeEach { $dir = New-TestFolder $TestDrive }

    It 'openssl req -verify accepts the CSR of a piped key and shows SHA-256, clientAuth and the key usages' {
        $path = Join-Path $dir 'client.csr'
        $key = New-SaleschatClientKey

        $request = @($key | New-SaleschatCertificateRequest -Organization Acme -Country IN -Path $path)

        $request | Should -HaveCount 1
        $request[0].Path | Should -BeExactly $path
        $request[0].PublicKeySha256 | Should -BeExactly $key.PublicKeySha256
        $request[0].Pem | Should -BeExactly ([IO.File]::ReadAllText($path))
        $text = Invoke-OpenSsl -Ok -WorkingDirectory $dir req, -in, $path, -verify, -noout, -text
        $text | Should -Match 'verify OK'
        $text | Should -Match 'Subject: C\s*=\s*IN, O\s*=\s*Acme, OU\s*=\s*Technology, CN\s*=\s*Acme-saleschat-mtls'
        $text | Should -Match 'Signature Algorithm: sha256WithRSAEncryption'
        $text | Should -Match 'Requested Extensions:'
        $text | Should -Match 'X509v3 Extended Key Usage:\s*\n\s*TLS Web Client Authentication'
        $text | Should -Match 'X509v3 Key Usage: critical\s*\n\s*Digital Signature, Key Encipherment'
        $text | Should -Match 'CA:FALSE'
    }

    It 'the file holds only the public request, mode 0644 on Unix' {
        $path = Join-Path $dir 'client.csr'
        $null = New-SaleschatClientKey | New-SaleschatCertificateRequest -Organization Acme -Path $path
        $text = [IO.File]::ReadAllText($path)
        ([regex]::Matches($text, '-----BEGIN CERTIFICATE REQUEST-----')).Count | Should -Be 1
        $text | Should -Not -Match 'PRIVATE KEY'
        if (-not $IsWindows) { [IO.File]::GetUnixFileMode($path) | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead') }
    }

    It 'the subject defaults and parts are those of New-SaleschatClientCertificate' -TestCases @(
        @{ Arguments = @{ Organization = 'Acme' } }
        @{ Arguments = @{ Organization = 'Acme'; Country = 'IN'; State = 'Maharashtra'; Locality = 'Mumbai' } }
        @{ Arguments = @{ CommonName = 'svc-reporting'; OrganizationalUnit = 'Ops' } }
        @{ Arguments = @{ Subject = '/C=IN/ST=Maharashtra/L=Mumbai/O=Acme/OU=Technology/CN=Acme-saleschat-mtls' } }
        @{ Arguments = @{} }
    ) {
        param($Arguments)
        $key = New-SaleschatClientKey
        $request = $key | New-SaleschatCertificateRequest @Arguments
        $certificate = $key | New-SaleschatClientCertificate @Arguments
        $der = [Convert]::FromBase64String(($request.Pem -replace '-----[^-]+-----', '' -replace '\s', ''))
        $csrText = $request.Pem | openssl req -noout -subject -nameopt RFC2253
        $crtText = [Security.Cryptography.X509Certificates.X509Certificate2]::new($certificate.RawData).ExportCertificatePem() | openssl x509 -noout -subject -nameopt RFC2253
        $der.Length | Should -BeGreaterThan 500
        $csrText | Should -BeExactly $crtText
    }

    It 'the -KeyPath form reads an encrypted key with -KeyPassword; openssl agrees on the modulus' {
        $password = ConvertTo-SecureString 'csr-password-1' -AsPlainText -Force
        $keyPath = Join-Path $dir 'client.key'
        $null = New-SaleschatClientKey -Path $keyPath -Password $password
        $csr = Join-Path $dir 'client.csr'

        $null = New-SaleschatCertificateRequest -KeyPath $keyPath -KeyPassword $password -Organization Acme -Path $csr

        $keyModulus = Invoke-OpenSsl -Ok -WorkingDirectory $dir rsa, -in, $keyPath, -passin, 'pass:csr-password-1', -noout, -modulus
        Invoke-OpenSsl -Ok -WorkingDirectory $dir req, -in, $csr, -noout, -modulus | Should -BeExactly $keyModulus
    }

    It 'an existing request survives without -Force (CertificateFileExists) and is replaced with it' {
        $path = Join-Path $dir 'client.csr'
        $null = New-SaleschatClientKey | New-SaleschatCertificateRequest -Organization Acme -Path $path
        $sent = [IO.File]::ReadAllText($path)
        $key = New-SaleschatClientKey

        { $key | New-SaleschatCertificateRequest -Organization Acme -Path $path -ErrorAction Stop } | Should -Throw -ErrorId "CertificateFileExists,$cmdlet"
        [IO.File]::ReadAllText($path) | Should -BeExactly $sent

        $replaced = $key | New-SaleschatCertificateRequest -Organization Acme -Path $path -Force
        [IO.File]::ReadAllText($path) | Should -BeExactly $replaced.Pem
        $replaced.Pem | Should -Not -Be $sent
    }

    It '-Force also replaces an openssl request (text dump before the PEM) and an empty file' -TestCases @(
        @{ Name = 'openssl req -text'; Make = { param($p) Invoke-OpenSsl -Ok req, -new, -newkey, rsa:2048, -nodes, -keyout, "$p.key", -subj, '/CN=old', -text, -out, $p | Out-Null } }
        @{ Name = 'empty'; Make = { param($p) [IO.File]::WriteAllBytes($p, [byte[]]@()) } }
    ) {
        $path = Join-Path $dir 'client.csr'
        & $Make $path

        $request = New-SaleschatClientKey | New-SaleschatCertificateRequest -Organization Acme -Path $path -Force

        [IO.File]::ReadAllText($path) | Should -BeExactly $request.Pem
    }

    It '-Force never replaces a certificate or anything else that is not a request (WouldReplaceCertificate): <Name>' -TestCases @(
        @{ Name = 'the client certificate'; Make = { param($p, $k) $null = $k | New-SaleschatClientCertificate -Organization Acme -Path $p } }
        @{ Name = 'a full-chain PEM with a request inside'; Make = { param($p, $k)
            $c = $k | New-SaleschatClientCertificate -Organization Acme
            $r = $k | New-SaleschatCertificateRequest -Organization Acme
            [IO.File]::WriteAllText($p, $r.Pem + [Security.Cryptography.X509Certificates.X509Certificate2]::new($c.RawData).ExportCertificatePem() + "`n") } }
        @{ Name = 'a DER certificate'; Make = { param($p, $k) [IO.File]::WriteAllBytes($p, ($k | New-SaleschatClientCertificate -Organization Acme).RawData) } }
        @{ Name = 'a text file'; Make = { param($p, $k) [IO.File]::WriteAllText($p, "not a request`n") } }
    ) {
        $path = Join-Path $dir 'client.crt'
        $key = New-SaleschatClientKey
        & $Make $path $key
        $before = [IO.File]::ReadAllBytes($path)

        $r = Invoke-TestCommand { $key | New-SaleschatCertificateRequest -Organization Acme -Path $path -Force }

        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeExactly "WouldReplaceCertificate,$cmdlet"
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $r.Errors[0].TargetObject | Should -BeExactly $path
        $r.Errors[0].Exception.Message | Should -Match ([regex]::Escape((Join-Path $dir 'client.csr')))
        $r.Output | Should -BeNullOrEmpty
        [IO.File]::ReadAllBytes($path) | Should -Be $before
        @(Get-ChildItem -Force $dir).Name | Should -Be @('client.crt')
    }

    It '-Force never replaces the key file itself (WouldReplacePrivateKey)' {
        $keyPath = Join-Path $dir 'client.key'
        $null = New-SaleschatClientKey -Path $keyPath
        $before = [IO.File]::ReadAllText($keyPath)
        { New-SaleschatCertificateRequest -KeyPath $keyPath -Path $keyPath -Force -ErrorAction Stop } | Should -Throw -ErrorId "WouldReplacePrivateKey,$cmdlet"
        [IO.File]::ReadAllText($keyPath) | Should -BeExactly $before
    }

    It '-WhatIf writes nothing; without -Path nothing is written and the PEM is returned' {
        $key = New-SaleschatClientKey
        $r = Invoke-TestCommand { $key | New-SaleschatCertificateRequest -Organization Acme -Path (Join-Path $dir 'c.csr') -WhatIf }
        $r.Output | Should -HaveCount 0
        $r.Errors | Should -HaveCount 0
        $request = $key | New-SaleschatCertificateRequest -Organization Acme
        $request.Path | Should -BeNullOrEmpty
        $request.Pem | Should -Match '^-----BEGIN CERTIFICATE REQUEST-----'
        @(Get-ChildItem $dir) | Should -HaveCount 0
    }

    It 'a bad subject and a small key are refused with their error ids' {
        $key = New-SaleschatClientKey
        { $key | New-SaleschatCertificateRequest -Country India -ErrorAction Stop } | Should -Throw -ErrorId "InvalidSubject,$cmdlet"
        $small = Join-Path $dir 'small.key'
        $null = Invoke-OpenSsl -Ok -WorkingDirectory $dir genrsa, -out, $small, 1024
        { New-SaleschatCertificateRequest -KeyPath $small -ErrorAction Stop } | Should -Throw -ErrorId "KeyTooSmall,$cmdlet"
    }

    It 'the table view fits 80 columns and shows no PEM' {
        $text = New-SaleschatClientKey | New-SaleschatCertificateRequest -Organization Acme | Out-String -Width 80
        $text | Should -Not -Match 'BEGIN'
        $text | Should -Match 'PublicKeySha256'
        ($text -split "`n" | Where-Object { $_.Length -gt 80 }) | Should -BeNullOrEmpty
    }
}
