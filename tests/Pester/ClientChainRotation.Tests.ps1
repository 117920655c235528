# Rotation with an enterprise CA, end to end against nginx trusting only the company root: Start -CertificateRequest
# makes the next key and its CSR (no self-signed certificate) and says where to send it; openssl signs it; Complete
# -IssuedCertificatePath takes the reply for that key (with its chain), proves it on the edge and promotes it.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Helpers', 'Pki.psm1')) -Force
    Import-TestedModule
    $complete = 'Saleschat.Mtls.Cmdlets.CompleteSaleschatCertificateRotationCommand'
    $root = Join-Path $TestDrive 'pki-rotation'
    $pki = New-TestPkiAuthority -Folder (Join-Path $root 'ca')
    $edge = Start-TestPkiEdge -Kind Nginx -Authority $pki

    # The current pair: a CA-issued certificate with its chain, as client.crt (full-chain PEM) and client.key.
    function New-CurrentPair([string] $Folder) {
        $null = [IO.Directory]::CreateDirectory($Folder)
        $key = New-SaleschatClientKey -Path (Join-Path $Folder 'client.key')
        $null = $key | New-SaleschatCertificateRequest -Organization Acme -Path (Join-Path $Folder 'first.csr')
        $leaf = Invoke-TestPkiSign -Authority $pki -CsrPath (Join-Path $Folder 'first.csr') -OutPath (Join-Path $Folder 'first.crt')
        $crt = Join-TestPem -OutPath (Join-Path $Folder 'client.crt') -Path $leaf, $pki.Issuing.CertificatePath
        [pscustomobject]@{ CertificatePath = $crt; KeyPath = $key.Path; Folder = $Folder }
    }

    function New-EdgeSession($Pair) {
        New-SaleschatSession -BaseUri $edge.BaseUri -OrgId $edge.OrgId -ApiKey (Get-TestApiKey) -ServerCertificateAuthority $edge.CaCertificate `
            -CertificatePath $Pair.CertificatePath -KeyPath $Pair.KeyPath -MaximumRetryCount 0 -NoDefault
    }
}

AfterAll { Stop-TestServer $edge }

Describe 'Rotation through a CSR' -Tag 'CI', 'Edge', 'Slow' {
    It 'Start -CertificateRequest makes the next key and its CSR, no certificate, and says where to send it; a rerun returns the same' {
        $pair = New-CurrentPair (New-TestFolder $TestDrive)
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -CertificateRequest

        $rotation.State | Should -Be 'Pending'
        $rotation.NextCertificate | Should -BeNullOrEmpty
        $rotation.RequestPath | Should -BeExactly (Join-Path $pair.Folder 'client.next.csr')
        $rotation.NextStep | Should -Match 'Send client\.next\.csr .* to your CA'
        $rotation.NextStep | Should -Match '-IssuedCertificatePath'
        Test-Path (Join-Path $pair.Folder 'client.next.crt') | Should -BeFalse
        Test-Path (Join-Path $pair.Folder 'client.next.key') | Should -BeTrue
        Invoke-OpenSsl -Ok req, -in, $rotation.RequestPath, -verify, -noout, -subject | Should -Match 'CN\s*=\s*Acme-saleschat-mtls'
        $keyModulus = Invoke-OpenSsl -Ok rsa, -in, (Join-Path $pair.Folder 'client.next.key'), -noout, -modulus
        Invoke-OpenSsl -Ok req, -in, $rotation.RequestPath, -noout, -modulus | Should -BeExactly $keyModulus

        $again = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -CertificateRequest
        $again.Pem | Should -BeExactly $rotation.Pem
    }

    It 'Complete -IssuedCertificatePath proves the CA reply on nginx, promotes it with its chain and switches the session' {
        $pair = New-CurrentPair (New-TestFolder $TestDrive)
        $session = New-EdgeSession $pair
        (Test-SaleschatMtls -Session $session).Diagnosis | Should -Be 'Success'
        $old = $session.Thumbprint
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -CertificateRequest
        $reply = Invoke-TestPkiSign -Authority $pki -CsrPath $rotation.RequestPath -OutPath (Join-Path $pair.Folder 'reply.crt')

        $done = Complete-SaleschatCertificateRotation -Session $session -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath `
            -IssuedCertificatePath $reply -ChainPath $pki.Issuing.CertificatePath

        $done.State | Should -Be 'Completed'
        $new = [Security.Cryptography.X509Certificates.X509Certificate2]::new($reply).Thumbprint
        $session.Thumbprint | Should -BeExactly $new
        (Test-SaleschatMtls -Session $session).Diagnosis | Should -Be 'Success'
        ([regex]::Matches([IO.File]::ReadAllText($pair.CertificatePath), '-----BEGIN CERTIFICATE-----')).Count | Should -Be 2
        [Security.Cryptography.X509Certificates.X509Certificate2]::new((Join-Path $pair.Folder 'client.previous.crt')).Thumbprint | Should -BeExactly $old
        @(Get-ChildItem $pair.Folder -Filter 'client.next.*') | Should -HaveCount 0
        $fresh = New-EdgeSession $pair
        (Test-SaleschatMtls -Session $fresh).Diagnosis | Should -Be 'Success'
        $session.Dispose(); $fresh.Dispose()
    }

    It 'a reply for another key is CertificateKeyMismatch, and nothing moves' {
        $pair = New-CurrentPair (New-TestFolder $TestDrive)
        $null = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -CertificateRequest
        $before = Get-FolderSnapshot $pair.Folder
        $first = Join-Path $pair.Folder 'first.crt'
        $session = New-EdgeSession $pair
        { Complete-SaleschatCertificateRotation -Session $session -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -IssuedCertificatePath $first } |
            Should -Throw -ErrorId "CertificateKeyMismatch,$complete"
        Get-FolderSnapshot $pair.Folder | Should -Be $before
        $session.Dispose()
    }

    It 'a reply without its chain is not accepted (ClientChainIncomplete in the message), and the current pair stays' {
        $pair = New-CurrentPair (New-TestFolder $TestDrive)
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -CertificateRequest
        $reply = Invoke-TestPkiSign -Authority $pki -CsrPath $rotation.RequestPath -OutPath (Join-Path $pair.Folder 'reply.crt')
        $current = [IO.File]::ReadAllText($pair.CertificatePath)
        $session = New-EdgeSession $pair
        $r = Invoke-TestCommand { Complete-SaleschatCertificateRotation -Session $session -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -IssuedCertificatePath $reply }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeExactly "NextCertificateNotAccepted,$complete"
        $r.Errors[0].Exception.Message | Should -Match "ClientChainIncomplete.*'CN=Acme Issuing CA, O=Acme' is missing"
        [IO.File]::ReadAllText($pair.CertificatePath) | Should -BeExactly $current
        (Test-SaleschatMtls -Session $session).Diagnosis | Should -Be 'Success'
        $session.Dispose()
    }

    It 'Complete -IssuedCertificatePath without a pending next key is NoPendingRotation' {
        $pair = New-CurrentPair (New-TestFolder $TestDrive)
        $session = New-EdgeSession $pair
        { Complete-SaleschatCertificateRotation -Session $session -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -IssuedCertificatePath $pair.CertificatePath } |
            Should -Throw -ErrorId "NoPendingRotation,$complete"
        $session.Dispose()
    }
}
