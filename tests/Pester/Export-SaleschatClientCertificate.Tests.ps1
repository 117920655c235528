# Export-SaleschatClientCertificate: the public PEM to paste in Settings > mTLS (text or file), or a PFX with the key;
# never the key in a PEM, never a file replaced without -Force.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $cmdlet = 'Saleschat.Mtls.Cmdlets.ExportSaleschatClientCertificateCommand'
    $pw = New-TestSecret 'pfx-pass'
    # One certificate with its key in memory, as New-SaleschatClientCertificate gives it.
    $cert = New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme
}

Describe 'Export-SaleschatClientCertificate' -Tag 'CI' {
    BeforeEach { $dir = New-TestFolder $TestDrive }

    It 'without -Path returns the PEM to paste in Settings > mTLS' {
        $pem = @($cert | Export-SaleschatClientCertificate)
        $pem | Should -HaveCount 1
        $pem[0] | Should -BeOfType [string]
        $pem[0] | Should -BeLikeExactly "-----BEGIN CERTIFICATE-----`n*"
        $pem[0].EndsWith("-----END CERTIFICATE-----`n") | Should -BeTrue
        $pem[0] | Should -Not -Match 'PRIVATE'
        foreach ($line in $pem[0].TrimEnd("`n").Split("`n")) { $line.Length | Should -BeIn (1..64) }
        [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem($pem[0]).Thumbprint | Should -BeExactly $cert.Thumbprint
    }

    It 'with -Path writes only the public certificate although the key is attached' {
        $path = Join-Path $dir 'upload.crt'
        $out = @(New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme | Export-SaleschatClientCertificate -Path $path)
        $out | Should -HaveCount 1
        $out[0] | Should -BeOfType [IO.FileInfo]
        $out[0].FullName | Should -BeExactly $path
        [IO.File]::ReadAllText($path) | Should -Not -Match 'PRIVATE KEY'
        Invoke-OpenSsl -Ok -WorkingDirectory $dir x509, -in, $path, -noout, -subject | Should -Match ([regex]::Escape('subject=O = Acme, OU = Technology, CN = Acme-saleschat-mtls'))
        (Get-ChildItem $dir).Name | Should -Be @('upload.crt')
    }

    It 'keeps an existing file without -Force' {
        $path = Join-Path $dir 'upload.crt'
        [IO.File]::WriteAllText($path, 'keep me')
        $r = Invoke-TestCommand { $cert | Export-SaleschatClientCertificate -Path $path }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeExactly "CertificateFileExists,$cmdlet"
        [IO.File]::ReadAllText($path) | Should -BeExactly 'keep me'
        (Get-ChildItem $dir).Name | Should -Be @('upload.crt')
    }

    It 'a PFX needs a password' {
        $path = Join-Path $dir 'x.pfx'
        $r = Invoke-TestCommand { $cert | Export-SaleschatClientCertificate -Path $path -Format Pfx }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeExactly "PfxPasswordRequired,$cmdlet"
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $r.Errors[0].TargetObject | Should -BeExactly $path
        Get-ChildItem $dir | Should -BeNullOrEmpty
    }

    It 'a PFX needs a path' {
        $r = Invoke-TestCommand { $cert | Export-SaleschatClientCertificate -Format Pfx -KeyPassword $pw }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeExactly "PfxPathRequired,$cmdlet"
        $r.Output | Should -HaveCount 0
        Get-ChildItem $dir | Should -BeNullOrEmpty
    }

    It 'refuses a PFX of a certificate without its key' {
        $pub = New-TestCertificateIssuedAt -Folder $dir -IssuedUtc ([DateTime]::UtcNow) -Name 'pub'
        $pfx = Join-Path $dir 'x.pfx'
        $r = Invoke-TestCommand { Get-SaleschatClientCertificate -Path $pub.Cert | Export-SaleschatClientCertificate -Path $pfx -Format Pfx -KeyPassword $pw }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeExactly "CertificateHasNoPrivateKey,$cmdlet"
        $pfx | Should -Not -Exist
    }

    It 'a PFX round-trips through Get-SaleschatClientCertificate' {
        $pfx = Join-Path $dir 'x.pfx'
        $null = $cert | Export-SaleschatClientCertificate -Path $pfx -Format Pfx -KeyPassword $pw
        $loaded = Get-SaleschatClientCertificate -Path $pfx -KeyPassword $pw
        $loaded.Thumbprint | Should -BeExactly $cert.Thumbprint
        $loaded.HasPrivateKey | Should -BeTrue
    }

    It '-WhatIf writes nothing, PEM or PFX' {
        $r = Invoke-TestCommand {
            $cert | Export-SaleschatClientCertificate -Path (Join-Path $dir 'c.crt') -WhatIf
            $cert | Export-SaleschatClientCertificate -Path (Join-Path $dir 'x.pfx') -Format Pfx -KeyPassword $pw -WhatIf
        }
        $r.Errors | Should -HaveCount 0
        $r.Output | Should -HaveCount 0
        Get-ChildItem $dir | Should -BeNullOrEmpty
    }
}
