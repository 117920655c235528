# The CA's reply read with its chain, wherever a certificate is read: a full-chain PEM (leaf first or in any order),
# -ChainPath, PKCS#7 (.p7b, PEM or DER), a PFX with its chain, SALESCHAT_CLIENT_CERT; every bad reply refused with a
# clear error id; Test-SaleschatClientCertificate checks the chain; Export-SaleschatClientCertificate writes it.
# openssl is the enterprise CA and signs CSRs the module made.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Helpers', 'Pki.psm1')) -Force
    Import-TestedModule
    $get = 'Saleschat.Mtls.Cmdlets.GetSaleschatClientCertificateCommand'
    $session = 'Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand'
    $root = Join-Path $TestDrive 'pki'
    $pki = New-TestPkiAuthority -Folder (Join-Path $root 'ca')
    $other = New-TestPkiAuthority -Folder (Join-Path $root 'other-ca') -Name 'Other'

    # A leaf from a CSR the module made, signed by the Issuing CA.
    function New-IssuedPair([string] $Name, $Issuer = $pki.Issuing, [int] $Days = 200) {
        $key = New-SaleschatClientKey -Path (Join-Path $root "$Name.key")
        $null = $key | New-SaleschatCertificateRequest -Organization Acme -Path (Join-Path $root "$Name.csr")
        $crt = Invoke-TestPkiSign -Authority $pki -Issuer $Issuer -CsrPath (Join-Path $root "$Name.csr") -OutPath (Join-Path $root "$Name.crt") -Days $Days
        [pscustomobject]@{ KeyPath = $key.Path; CertificatePath = $crt; Key = $key }
    }

    $leaf = New-IssuedPair 'leaf'
    $leafThumbprint = [Security.Cryptography.X509Certificates.X509Certificate2]::new($leaf.CertificatePath).Thumbprint
    $issuingSubject = 'CN=Acme Issuing CA, O=Acme'
    $rootSubject = 'CN=Acme Root CA, O=Acme'
    $files = @{
        FullChain   = Join-TestPem -OutPath (Join-Path $root 'fullchain.pem') -Path $leaf.CertificatePath, $pki.Issuing.CertificatePath
        AnyOrder    = Join-TestPem -OutPath (Join-Path $root 'anyorder.pem') -Path $pki.Root.CertificatePath, $leaf.CertificatePath, $pki.Issuing.CertificatePath
        ChainPem    = Join-TestPem -OutPath (Join-Path $root 'chain.pem') -Path $pki.Root.CertificatePath, $pki.Issuing.CertificatePath
        P7bPem      = Join-Path $root 'reply.p7b.pem'
        P7bDer      = Join-Path $root 'reply.p7b'
        ChainP7bDer = Join-Path $root 'chain.p7b'
        Pfx         = Join-Path $root 'reply.pfx'
    }
    $null = Invoke-OpenSsl -Ok crl2pkcs7, -nocrl, -certfile, $leaf.CertificatePath, -certfile, $pki.Issuing.CertificatePath, -out, $files.P7bPem
    $null = Invoke-OpenSsl -Ok crl2pkcs7, -nocrl, -certfile, $leaf.CertificatePath, -certfile, $pki.Issuing.CertificatePath, -outform, DER, -out, $files.P7bDer
    $null = Invoke-OpenSsl -Ok crl2pkcs7, -nocrl, -certfile, $pki.Issuing.CertificatePath, -outform, DER, -out, $files.ChainP7bDer
    $null = Invoke-OpenSsl -Ok pkcs12, -export, -inkey, $leaf.KeyPath, -in, $leaf.CertificatePath, -certfile, $pki.Issuing.CertificatePath, -passout, 'pass:pfx-pass-1', -out, $files.Pfx
    $pfxPassword = ConvertTo-SecureString 'pfx-pass-1' -AsPlainText -Force
}

Describe 'Reading a CA reply with its chain' -Tag 'CI', 'Slow' {
    It '<Form>: the leaf with its key, its chain in path order' -TestCases @(
        @{ Form = 'full-chain PEM, leaf first'; Arguments = { @{ Path = $files.FullChain; KeyPath = $leaf.KeyPath } }; Chain = @('CN=Acme Issuing CA, O=Acme') }
        @{ Form = 'full-chain PEM, root first, leaf in the middle'; Arguments = { @{ Path = $files.AnyOrder; KeyPath = $leaf.KeyPath } }; Chain = @('CN=Acme Issuing CA, O=Acme', 'CN=Acme Root CA, O=Acme') }
        @{ Form = 'leaf and -ChainPath PEM'; Arguments = { @{ Path = $leaf.CertificatePath; KeyPath = $leaf.KeyPath; ChainPath = $files.ChainPem } }; Chain = @('CN=Acme Issuing CA, O=Acme', 'CN=Acme Root CA, O=Acme') }
        @{ Form = 'leaf and -ChainPath PKCS#7 DER'; Arguments = { @{ Path = $leaf.CertificatePath; KeyPath = $leaf.KeyPath; ChainPath = $files.ChainP7bDer } }; Chain = @('CN=Acme Issuing CA, O=Acme') }
        @{ Form = 'PKCS#7 PEM'; Arguments = { @{ Path = $files.P7bPem; KeyPath = $leaf.KeyPath } }; Chain = @('CN=Acme Issuing CA, O=Acme') }
        @{ Form = 'PKCS#7 DER (.p7b)'; Arguments = { @{ Path = $files.P7bDer; KeyPath = $leaf.KeyPath } }; Chain = @('CN=Acme Issuing CA, O=Acme') }
        @{ Form = 'PFX with its chain'; Arguments = { @{ Path = $files.Pfx; KeyPassword = $pfxPassword } }; Chain = @('CN=Acme Issuing CA, O=Acme') }
    ) {
        param($Form, $Arguments, $Chain)
        $parameters = & $Arguments
        $certificate = Get-SaleschatClientCertificate @parameters

        $certificate.Thumbprint | Should -BeExactly $leafThumbprint
        $certificate.HasPrivateKey | Should -BeTrue
        @($certificate.Chain.Subject) | Should -Be $Chain
    }

    It 'the chain travels with the certificate through the pipeline into a session' {
        $s = Get-SaleschatClientCertificate -Path $files.FullChain -KeyPath $leaf.KeyPath |
            New-SaleschatSession -BaseUri 'https://127.0.0.1:9/' -OrgId org-1 -NoDefault
        @($s.Certificate.Chain.Subject) | Should -Be @($issuingSubject)
        $files2 = New-SaleschatSession -BaseUri 'https://127.0.0.1:9/' -OrgId org-1 -NoDefault -CertificatePath $leaf.CertificatePath -KeyPath $leaf.KeyPath -ChainPath $files.ChainPem
        @($files2.Certificate.Chain.Subject) | Should -Be @($issuingSubject, $rootSubject)
    }

    It 'SALESCHAT_CLIENT_CERT with a full-chain PEM (and base64 of it) gives the session the chain' -TestCases @(
        @{ Encoding = 'PEM' }, @{ Encoding = 'base64' }
    ) {
        param($Encoding)
        $saved = $env:SALESCHAT_CLIENT_CERT, $env:SALESCHAT_CLIENT_KEY
        try {
            $pem = [IO.File]::ReadAllText($files.AnyOrder)
            $env:SALESCHAT_CLIENT_CERT = if ($Encoding -eq 'PEM') { $pem } else { [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes($pem)) }
            $env:SALESCHAT_CLIENT_KEY = [IO.File]::ReadAllText($leaf.KeyPath)
            $s = New-SaleschatSession -BaseUri 'https://127.0.0.1:9/' -OrgId org-1 -NoDefault
            $s.Thumbprint | Should -BeExactly $leafThumbprint
            @($s.Certificate.Chain.Subject) | Should -Be @($issuingSubject, $rootSubject)
        }
        finally { $env:SALESCHAT_CLIENT_CERT, $env:SALESCHAT_CLIENT_KEY = $saved }
    }

    It 'a self-signed certificate read as before has no chain' {
        $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'self') -Name self
        @((Get-SaleschatClientCertificate -Path $pair.CertificatePath -KeyPath $pair.KeyPath).Chain) | Should -HaveCount 0
    }
}

Describe 'Bad CA replies' -Tag 'CI', 'Slow' {
    BeforeAll {
        $otherKey = New-SaleschatClientKey -Path (Join-Path $root 'other.key')
        $otherLeaf = New-IssuedPair 'other-leaf'
        $gap = Join-TestPem -OutPath (Join-Path $root 'gap.pem') -Path $leaf.CertificatePath, $pki.Root.CertificatePath
        $foreignChain = Join-TestPem -OutPath (Join-Path $root 'foreign-chain.pem') -Path $other.Issuing.CertificatePath, $other.Root.CertificatePath
        $twoLeaves = Join-TestPem -OutPath (Join-Path $root 'two-leaves.pem') -Path $leaf.CertificatePath, $otherLeaf.CertificatePath, $pki.Issuing.CertificatePath
    }

    It 'a reply for another key is refused naming both public keys (CertificateKeyMismatch)' -TestCases @(
        @{ Form = 'full-chain PEM' }, @{ Form = 'PKCS#7 DER' }
    ) {
        param($Form)
        $path = if ($Form -eq 'full-chain PEM') { $files.FullChain } else { $files.P7bDer }
        $r = Invoke-TestCommand { Get-SaleschatClientCertificate -Path $path -KeyPath $otherKey.Path }
        $r.Output | Should -HaveCount 0
        $r.Errors[0].FullyQualifiedErrorId | Should -BeExactly "CertificateKeyMismatch,$get"
        $r.Errors[0].Exception.Message | Should -Match ([regex]::Escape($otherKey.PublicKeySha256))
        $r.Errors[0].Exception.Message | Should -Match ([regex]::Escape($leaf.Key.PublicKeySha256))
        { New-SaleschatSession -BaseUri 'https://127.0.0.1:9/' -OrgId org-1 -NoDefault -CertificatePath $path -KeyPath $otherKey.Path } | Should -Throw -ErrorId "CertificateKeyMismatch,$session"
    }

    It '<Case> is refused with ChainDoesNotMatchCertificate' -TestCases @(
        @{ Case = 'a chain for another leaf (-ChainPath of another CA)'; Arguments = { @{ Path = $leaf.CertificatePath; KeyPath = $leaf.KeyPath; ChainPath = $foreignChain } }; Names = 'Other Issuing CA' }
        @{ Case = 'a broken path (the intermediate missing between leaf and root)'; Arguments = { @{ Path = $gap; KeyPath = $leaf.KeyPath } }; Names = 'Acme Root CA' }
        @{ Case = 'two client certificates in one file'; Arguments = { @{ Path = $twoLeaves; KeyPath = $leaf.KeyPath } }; Names = 'end-entity' }
    ) {
        param($Case, $Arguments, $Names)
        $parameters = & $Arguments
        $r = Invoke-TestCommand { Get-SaleschatClientCertificate @parameters }
        $r.Output | Should -HaveCount 0
        $r.Errors[0].FullyQualifiedErrorId | Should -BeExactly "ChainDoesNotMatchCertificate,$get"
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $r.Errors[0].Exception.Message | Should -Match $Names
    }

    It 'a missing -ChainPath file is ChainFileNotFound' {
        { Get-SaleschatClientCertificate -Path $leaf.CertificatePath -ChainPath (Join-Path $root 'nope.pem') -ErrorAction Stop } |
            Should -Throw -ErrorId "ChainFileNotFound,$get"
    }

    It 'an expired intermediate: a warning when read, a failed ChainValidity check, a warning at session creation' {
        $expiredLeaf = New-IssuedPair 'expired-ca-leaf' -Issuer $pki.ExpiredIssuing
        $full = Join-TestPem -OutPath (Join-Path $root 'expired-chain.pem') -Path $expiredLeaf.CertificatePath, $pki.ExpiredIssuing.CertificatePath, $pki.Root.CertificatePath

        $r = Invoke-TestCommand { Get-SaleschatClientCertificate -Path $full -KeyPath $expiredLeaf.KeyPath }
        $r.Errors | Should -HaveCount 0
        $r.Warnings | Should -HaveCount 1
        $r.Warnings[0] | Should -Match "'CN=Acme Issuing CA, O=Acme' expired on"

        $result = Test-SaleschatClientCertificate -Path $full -KeyPath $expiredLeaf.KeyPath
        $result.Passed | Should -BeFalse
        ($result.Checks | Where-Object Name -EQ 'ChainValidity').Outcome | Should -Be 'Failed'

        $s = Invoke-TestCommand { New-SaleschatSession -BaseUri 'https://127.0.0.1:9/' -OrgId org-1 -NoDefault -CertificatePath $full -KeyPath $expiredLeaf.KeyPath }
        $s.Warnings -join ' ' | Should -Match 'expired on'
    }
}

Describe 'Test-SaleschatClientCertificate checks the chain' -Tag 'CI', 'Slow' {
    It 'a complete chain: CA-issued named, each CA valid and a CA, path to the root' {
        $result = Test-SaleschatClientCertificate -Path $files.AnyOrder -KeyPath $leaf.KeyPath
        $checks = @{}; foreach ($c in $result.Checks) { $checks[$c.Name] = $c }
        $result.Passed | Should -BeTrue
        $checks.Issuer.Detail | Should -BeExactly "CA-issued by '$issuingSubject'"
        $checks.ChainComplete.Outcome | Should -Be 'Passed'
        $checks.ChainValidity.Outcome | Should -Be 'Passed'
        $checks.ChainCertificateAuthority.Outcome | Should -Be 'Passed'
        $checks.ClientAuthentication.Outcome | Should -Be 'Passed'
    }

    It 'the leaf alone fails ChainComplete, naming its missing issuer (it passed before chains were checked)' {
        $result = Test-SaleschatClientCertificate -Path $leaf.CertificatePath -KeyPath $leaf.KeyPath
        $result.Passed | Should -BeFalse
        $check = $result.Checks | Where-Object Name -EQ 'ChainComplete'
        $check.Outcome | Should -Be 'Failed'
        $check.Detail | Should -Match ([regex]::Escape("'$issuingSubject' is missing"))
        $check.Detail | Should -Match 'ChainPath'
    }

    It 'a chain without its root passes with a ChainComplete warning naming the root' {
        $result = Test-SaleschatClientCertificate -Path $files.FullChain -KeyPath $leaf.KeyPath
        $result.Passed | Should -BeTrue
        $check = $result.Checks | Where-Object Name -EQ 'ChainComplete'
        $check.Outcome | Should -Be 'Warning'
        $check.Detail | Should -Match ([regex]::Escape("'$rootSubject' is not given"))
    }

    It 'an intermediate that expires before the leaf is a ChainExpiry warning' {
        $short = New-TestPkiIntermediate -Folder (Join-Path $root 'ca') -Root $pki.Root -Name 'short' -Subject '/O=Acme/CN=Acme Short CA' -Days 30
        $shortLeaf = New-IssuedPair 'short-leaf' -Issuer $short
        $full = Join-TestPem -OutPath (Join-Path $root 'short-chain.pem') -Path $shortLeaf.CertificatePath, $short.CertificatePath, $pki.Root.CertificatePath
        $result = Test-SaleschatClientCertificate -Path $full -KeyPath $shortLeaf.KeyPath
        $result.Passed | Should -BeTrue
        $check = $result.Checks | Where-Object Name -EQ 'ChainExpiry'
        $check.Outcome | Should -Be 'Warning'
        $check.Detail | Should -Match 'Acme Short CA.*before the certificate'
    }

    It 'a self-signed certificate is named so, with no chain checks' {
        $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'self2') -Name self
        $result = Test-SaleschatClientCertificate -Path $pair.CertificatePath -KeyPath $pair.KeyPath
        ($result.Checks | Where-Object Name -EQ 'Issuer').Detail | Should -BeExactly 'self-signed'
        $result.Checks.Name | Should -Not -Contain 'ChainComplete'
    }
}

Describe 'Export-SaleschatClientCertificate -IncludeChain' -Tag 'CI', 'Slow' {
    BeforeAll { $certificate = Get-SaleschatClientCertificate -Path $files.AnyOrder -KeyPath $leaf.KeyPath }

    It 'PEM: the leaf then its issuers; openssl verifies the leaf with the exported chain against the root' {
        $path = Join-Path $TestDrive 'export-full.pem'
        $null = $certificate | Export-SaleschatClientCertificate -Path $path -IncludeChain
        $text = [IO.File]::ReadAllText($path)
        ([regex]::Matches($text, '-----BEGIN CERTIFICATE-----')).Count | Should -Be 3
        $text | Should -Not -Match 'PRIVATE KEY'
        [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem($text).Thumbprint | Should -BeExactly $leafThumbprint
        Invoke-OpenSsl -Ok verify, -CAfile, $pki.Root.CertificatePath, -untrusted, $path, $leaf.CertificatePath | Should -Match 'OK'
        ($certificate | Export-SaleschatClientCertificate) | Should -Not -Match '(?s)BEGIN CERTIFICATE.*BEGIN CERTIFICATE'
    }

    It 'PFX: openssl reads the key and all three certificates; the module reads it back with its chain' {
        $path = Join-Path $TestDrive 'export-full.pfx'
        $password = ConvertTo-SecureString 'export-pass-1' -AsPlainText -Force
        $null = $certificate | Export-SaleschatClientCertificate -Path $path -Format Pfx -KeyPassword $password -IncludeChain
        $info = Invoke-OpenSsl -Ok pkcs12, -in, $path, -passin, 'pass:export-pass-1', -nokeys
        ([regex]::Matches($info, '-----BEGIN CERTIFICATE-----')).Count | Should -Be 3
        $back = Get-SaleschatClientCertificate -Path $path -KeyPassword $password
        $back.HasPrivateKey | Should -BeTrue
        @($back.Chain.Subject) | Should -Be @($issuingSubject, $rootSubject)
    }
}
