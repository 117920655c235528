# What the module makes, the real openssl accepts; what the documented openssl commands make, the module loads.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $password = 'Interop-Pass-42'

    function New-OurPair([string] $Dir, [hashtable] $Subject = @{ Organization = 'Acme' }) {
        $key = Join-Path $Dir 'ours.key'; $crt = Join-Path $Dir 'ours.crt'
        $null = New-SaleschatClientKey -Path $key | New-SaleschatClientCertificate @Subject -Path $crt
        [pscustomobject]@{ Key = $key; Cert = $crt }
    }

    $shared = New-TestFolder $TestDrive
    $ours = New-OurPair $shared
}

Describe 'openssl accepts what the module makes' -Tag 'CI' {
    It 'our key passes openssl rsa -check' {
        Invoke-OpenSsl -Ok -WorkingDirectory $shared rsa, -check, -noout, -in, $ours.Key | Should -Match 'RSA key ok'
    }

    It 'our certificate has the profile Saleschat asks for' {
        $text = Invoke-OpenSsl -Ok -WorkingDirectory $shared x509, -in, $ours.Cert, -text, -noout
        $text | Should -Match ([regex]::Escape('Signature Algorithm: sha256WithRSAEncryption'))
        $text | Should -Match ([regex]::Escape('Public-Key: (2048 bit)'))
        $text | Should -Match ([regex]::Escape('Subject: O = Acme, OU = Technology, CN = Acme-saleschat-mtls'))
        $text | Should -Match ([regex]::Escape('Issuer: O = Acme, OU = Technology, CN = Acme-saleschat-mtls'))
        $text | Should -Match 'X509v3 Basic Constraints: critical\s+CA:FALSE'
        $text | Should -Match 'X509v3 Extended Key Usage:\s+TLS Web Client Authentication'
        $text | Should -Match 'X509v3 Key Usage: critical\s+Digital Signature'
        $parsed = [Security.Cryptography.X509Certificates.X509Certificate2]::new($ours.Cert)
        ($parsed.NotAfter - $parsed.NotBefore) | Should -Be ([TimeSpan]::FromDays(365))
    }

    It 'openssl verifies our self-signed certificate' {
        Invoke-OpenSsl -Ok -WorkingDirectory $shared verify, -CAfile, $ours.Cert, $ours.Cert | Should -Match ': OK'
    }

    It 'the subject <Subject> reaches the certificate as openssl writes it' -TestCases @(
        @{ Subject = '/C=IN/ST=Maharashtra/L=Mumbai/O=Acme/OU=Technology/CN=Acme-saleschat-mtls'; Expected = 'C = IN, ST = Maharashtra, L = Mumbai, O = Acme, OU = Technology, CN = Acme-saleschat-mtls' }
        @{ Subject = 'CN=Acme-saleschat-mtls, OU=Technology, O=Acme, L=Mumbai, ST=Maharashtra, C=IN'; Expected = 'C = IN, ST = Maharashtra, L = Mumbai, O = Acme, OU = Technology, CN = Acme-saleschat-mtls' }
        @{ Subject = 'CN=Acme\, Inc-saleschat-mtls, O=Acme\, Inc'; Expected = 'O = "Acme, Inc", CN = "Acme, Inc-saleschat-mtls"' }
    ) {
        $dir = New-TestFolder $TestDrive
        $pair = New-OurPair $dir @{ Subject = $Subject }
        $line = (Invoke-OpenSsl -Ok -WorkingDirectory $dir x509, -in, $pair.Cert, -noout, -subject, -nameopt, 'oneline,-esc_msb').Replace('subject= ', 'subject=')
        $line | Should -Match ([regex]::Escape("subject=$Expected"))
    }

    It 'the documented subject gives the same name as openssl req, byte for byte' {
        $dir = New-TestFolder $TestDrive
        $pair = New-OurPair $dir @{ Subject = (Get-TestDocumentedSubject) }
        $theirs = New-OpenSslCertificate -Folder $dir -KeyPath (New-OpenSslKey -Folder $dir -Name 'theirs.key') -Name 'theirs.crt'
        Invoke-OpenSsl -Ok -WorkingDirectory $dir x509, -in, $pair.Cert, -noout, -subject |
            Should -BeExactly (Invoke-OpenSsl -Ok -WorkingDirectory $dir x509, -in, $theirs, -noout, -subject)
        # Same attribute order and string types, so name matching on a server is exact.
        $a = [Security.Cryptography.X509Certificates.X509Certificate2]::new($pair.Cert).SubjectName.RawData
        $b = [Security.Cryptography.X509Certificates.X509Certificate2]::new($theirs).SubjectName.RawData
        [Convert]::ToHexString($a) | Should -BeExactly ([Convert]::ToHexString($b))
    }

    It 'our PFX (<Label>) opens with openssl 3 without the legacy provider' -TestCases @(
        @{ Label = 'default'; Legacy = $false }
        @{ Label = '-LegacyEncryption'; Legacy = $true }
    ) {
        $dir = New-TestFolder $TestDrive
        $pfx = Join-Path $dir 'x.pfx'
        $null = Get-SaleschatClientCertificate -Path $ours.Cert -KeyPath $ours.Key |
            Export-SaleschatClientCertificate -Path $pfx -Format Pfx -KeyPassword (New-TestSecret $password) -LegacyEncryption:$Legacy

        if (-not $IsWindows) { (Get-Item -LiteralPath $pfx).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') }
        $dump = Invoke-OpenSsl -Ok -WorkingDirectory $dir pkcs12, -in, $pfx, -passin, "pass:$password", -nodes
        $dump | Should -Match '-----BEGIN PRIVATE KEY-----'
        $inPfx = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem($dump.Substring($dump.IndexOf('-----BEGIN CERTIFICATE-----')))
        $inPfx.Thumbprint | Should -BeExactly ([Security.Cryptography.X509Certificates.X509Certificate2]::new($ours.Cert).Thumbprint)
        (Invoke-OpenSsl -WorkingDirectory $dir pkcs12, -in, $pfx, -passin, 'pass:wrong', -nodes).ExitCode | Should -Not -Be 0
    }
}

Describe 'the module loads what the documented openssl commands make' -Tag 'CI' {
    It 'a pair made with <Form> loads with its key and passes every check' -TestCases @(
        @{ Form = 'PKCS#8 (openssl genrsa)'; GenRsa = @(); Rsa = @(); Password = $null; Header = '-----BEGIN PRIVATE KEY-----' }
        @{ Form = 'PKCS#1 (genrsa -traditional)'; GenRsa = @('-traditional'); Rsa = @(); Password = $null; Header = '-----BEGIN RSA PRIVATE KEY-----' }
        @{ Form = 'encrypted PKCS#8 (genrsa -aes256)'; GenRsa = @('-aes256', '-passout', 'pass:Interop-Pass-42'); Rsa = @(); Password = 'Interop-Pass-42'; Header = '-----BEGIN ENCRYPTED PRIVATE KEY-----' }
        @{ Form = 'legacy Proc-Type (rsa -aes256 -traditional)'; GenRsa = @(); Rsa = @('-aes256', '-traditional'); Password = 'Interop-Pass-42'; Header = 'Proc-Type: 4,ENCRYPTED' }
    ) {
        $dir = New-TestFolder $TestDrive
        $key = New-OpenSslKey -Folder $dir -Extra $GenRsa
        if ($Rsa) { $null = Invoke-OpenSsl -Ok -WorkingDirectory $dir (@('rsa', '-in', $key, '-out', $key) + $Rsa + @('-passout', "pass:$Password")) }
        [IO.File]::ReadAllText($key) | Should -Match ([regex]::Escape($Header))
        $crt = New-OpenSslCertificate -Folder $dir -KeyPath $key -PassIn $Password
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($key, [IO.UnixFileMode]'UserRead, UserWrite') }
        $pw = if ($Password) { New-TestSecret $Password } else { $null }

        $loaded = @(Get-SaleschatClientCertificate -Path $crt -KeyPath $key -KeyPassword $pw)
        $loaded | Should -HaveCount 1
        $loaded[0].HasPrivateKey | Should -BeTrue
        $loaded[0].Subject | Should -BeExactly 'CN=Acme-saleschat-mtls, OU=Technology, O=Acme, L=Mumbai, S=Maharashtra, C=IN'

        $result = Get-SaleschatClientCertificate -Path $crt | Test-SaleschatClientCertificate -KeyPath $key -KeyPassword $pw
        $result.FailedChecks | Should -BeNullOrEmpty
        $result.Passed | Should -BeTrue
    }

    It 'a PFX made by openssl loads with its key' {
        $dir = New-TestFolder $TestDrive
        $pair = New-OpenSslPair -Folder $dir
        $pfx = Join-Path $dir 'x.pfx'
        $null = Invoke-OpenSsl -Ok -WorkingDirectory $dir pkcs12, -export, -inkey, $pair.Key, -in, $pair.Cert, -out, $pfx, -passout, "pass:$password"

        $loaded = @(Get-SaleschatClientCertificate -Path $pfx -KeyPassword (New-TestSecret $password))
        $loaded | Should -HaveCount 1
        $loaded[0].HasPrivateKey | Should -BeTrue
        $loaded[0].Thumbprint | Should -BeExactly $pair.Thumbprint
        $loaded[0].DaysUntilExpiry | Should -BeIn 364, 365
    }
}
