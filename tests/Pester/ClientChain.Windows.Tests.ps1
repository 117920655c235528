# The chain on Windows PowerShell 5.1: SChannel sends only the intermediates it finds in a certificate store
# (dotnet/runtime#47680, dotnet/corefx#17802), so New-SaleschatSession warns when a chain was given, and
# -AddIntermediatesToStore adds the intermediates (never the leaf, never the root) to CurrentUser\CA. PowerShell 7
# sends the chain from memory: no warning, no store touched (this part runs on every platform).
# This file must parse in Windows PowerShell 5.1: no ternary, no '??', no '&&', and $IsWindows does not exist there.

BeforeDiscovery {
    $OnDesktop = $PSVersionTable.PSEdition -eq 'Desktop'
}

BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule

    # A root, an intermediate and a leaf made with .NET (CertificateRequest is in .NET Framework 4.7.2), saved as a
    # PFX that carries the chain, as AD CS exports it with "include all certificates in the certification path".
    function New-ChainedPfx {
        param([string] $Folder, [string] $Password)
        $x509 = 'System.Security.Cryptography.X509Certificates'
        $sha256 = [Security.Cryptography.HashAlgorithmName]::SHA256
        $pkcs1 = [Security.Cryptography.RSASignaturePadding]::Pkcs1
        $now = [DateTimeOffset]::UtcNow
        $rootKey = [Security.Cryptography.RSA]::Create(2048)
        $rootRequest = New-Object "$x509.CertificateRequest" 'CN=WinPS Root CA, O=Acme', $rootKey, $sha256, $pkcs1
        $rootRequest.CertificateExtensions.Add((New-Object "$x509.X509BasicConstraintsExtension" $true, $false, 0, $true))
        $rootRequest.CertificateExtensions.Add((New-Object "$x509.X509KeyUsageExtension" ([Security.Cryptography.X509Certificates.X509KeyUsageFlags]'KeyCertSign, CrlSign'), $true))
        $root = $rootRequest.CreateSelfSigned($now.AddDays(-1), $now.AddDays(120))

        $issuingKey = [Security.Cryptography.RSA]::Create(2048)
        $issuingRequest = New-Object "$x509.CertificateRequest" 'CN=WinPS Issuing CA, O=Acme', $issuingKey, $sha256, $pkcs1
        $issuingRequest.CertificateExtensions.Add((New-Object "$x509.X509BasicConstraintsExtension" $true, $true, 0, $true))
        $issuingRequest.CertificateExtensions.Add((New-Object "$x509.X509KeyUsageExtension" ([Security.Cryptography.X509Certificates.X509KeyUsageFlags]'KeyCertSign, CrlSign'), $true))
        $issuingPublic = $issuingRequest.Create($root, $now.AddDays(-1), $now.AddDays(90), [byte[]](1, 2, 3, 4, 5, 6, 7, 8))
        $issuing = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($issuingPublic, $issuingKey)

        $leafKey = [Security.Cryptography.RSA]::Create(2048)
        $leafRequest = New-Object "$x509.CertificateRequest" 'CN=Acme-saleschat-mtls, OU=Technology, O=Acme', $leafKey, $sha256, $pkcs1
        $leafRequest.CertificateExtensions.Add((New-Object "$x509.X509BasicConstraintsExtension" $false, $false, 0, $true))
        $usages = New-Object Security.Cryptography.OidCollection
        $null = $usages.Add((New-Object Security.Cryptography.Oid '1.3.6.1.5.5.7.3.2'))
        $leafRequest.CertificateExtensions.Add((New-Object "$x509.X509EnhancedKeyUsageExtension" $usages, $false))
        $leafPublic = $leafRequest.Create($issuing, $now.AddDays(-1), $now.AddDays(60), [byte[]](9, 8, 7, 6, 5, 4, 3, 2))
        $leaf = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($leafPublic, $leafKey)

        $collection = New-Object "$x509.X509Certificate2Collection"
        $null = $collection.Add($leaf)
        $null = $collection.Add((New-Object "$x509.X509Certificate2" (, $issuingPublic.RawData)))
        $null = $collection.Add((New-Object "$x509.X509Certificate2" (, $root.RawData)))
        $path = Join-Path $Folder 'chained.pfx'
        [IO.File]::WriteAllBytes($path, $collection.Export([Security.Cryptography.X509Certificates.X509ContentType]::Pfx, $Password))
        [pscustomobject]@{ Path = $path; Leaf = $leafPublic.Thumbprint; Issuing = $issuingPublic.Thumbprint; Root = $root.Thumbprint }
    }

    # How many certificates with this thumbprint a store holds (0 when the store does not exist).
    function Get-StoreHits {
        param([string] $StoreName, [string] $Location, [string] $Thumbprint)
        $store = New-Object Security.Cryptography.X509Certificates.X509Store $StoreName, $Location
        try {
            try { $store.Open([Security.Cryptography.X509Certificates.OpenFlags]'ReadOnly, OpenExistingOnly') } catch { return 0 }
            $store.Certificates.Find([Security.Cryptography.X509Certificates.X509FindType]::FindByThumbprint, $Thumbprint, $false).Count
        }
        finally { $store.Close() }
    }

    function Remove-FromStore {
        param([string] $StoreName, [string] $Thumbprint)
        $store = New-Object Security.Cryptography.X509Certificates.X509Store $StoreName, 'CurrentUser'
        try {
            try { $store.Open('ReadWrite, OpenExistingOnly') } catch { return }
            foreach ($c in $store.Certificates.Find('FindByThumbprint', $Thumbprint, $false)) { $store.Remove($c) }
        }
        finally { $store.Close() }
    }

    $password = 'winps-chain-1'
    $securePassword = ConvertTo-SecureString $password -AsPlainText -Force
    $fixture = New-ChainedPfx -Folder $TestDrive -Password $password
}

AfterAll {
    foreach ($name in 'CertificateAuthority', 'Root', 'My') {
        foreach ($t in $fixture.Issuing, $fixture.Root, $fixture.Leaf) { Remove-FromStore -StoreName $name -Thumbprint $t }
    }
}

Describe 'The client chain and certificate stores' -Tag 'CI', 'WinPS' {
    It 'a PFX with its chain is read with it' {
        $certificate = Get-SaleschatClientCertificate -Path $fixture.Path -KeyPassword $securePassword
        $certificate.Thumbprint | Should -Be $fixture.Leaf
        @($certificate.Chain | ForEach-Object { $_.Thumbprint }) | Should -Be @($fixture.Issuing, $fixture.Root)
    }

    It 'Windows PowerShell 5.1 warns at session creation that the intermediate will not be sent, naming it and the opt-in' -Skip:(-not $OnDesktop) {
        $r = Invoke-TestCommand { New-SaleschatSession -BaseUri 'https://127.0.0.1:9/' -OrgId org-1 -NoDefault -CertificatePath $fixture.Path -KeyPassword $securePassword }
        $r.Errors | Should -HaveCount 0
        ($r.Warnings -join ' ') | Should -Match 'CN=WinPS Issuing CA, O=Acme'
        ($r.Warnings -join ' ') | Should -Match '-AddIntermediatesToStore'
        (Get-StoreHits -StoreName 'CertificateAuthority' -Location 'CurrentUser' -Thumbprint $fixture.Issuing) | Should -Be 0
    }

    It 'Windows PowerShell 5.1 -AddIntermediatesToStore adds the intermediate to CurrentUser\CA, never the leaf or the root' -Skip:(-not $OnDesktop) {
        $r = Invoke-TestCommand { New-SaleschatSession -BaseUri 'https://127.0.0.1:9/' -OrgId org-1 -NoDefault -CertificatePath $fixture.Path -KeyPassword $securePassword -AddIntermediatesToStore }
        $r.Errors | Should -HaveCount 0
        $r.Warnings | Should -HaveCount 0
        (Get-StoreHits -StoreName 'CertificateAuthority' -Location 'CurrentUser' -Thumbprint $fixture.Issuing) | Should -Be 1
        foreach ($name in 'CertificateAuthority', 'Root', 'My') {
            (Get-StoreHits -StoreName $name -Location 'CurrentUser' -Thumbprint $fixture.Root) | Should -Be 0 -Because "the root stays out of CurrentUser\$name"
            (Get-StoreHits -StoreName $name -Location 'CurrentUser' -Thumbprint $fixture.Leaf) | Should -Be 0 -Because "the leaf stays out of CurrentUser\$name"
        }
    }

    It 'PowerShell 7 sends the chain from memory: no warning, and -AddIntermediatesToStore changes no store' -Skip:($OnDesktop) {
        $r = Invoke-TestCommand { New-SaleschatSession -BaseUri 'https://127.0.0.1:9/' -OrgId org-1 -NoDefault -CertificatePath $fixture.Path -KeyPassword $securePassword -AddIntermediatesToStore -Verbose }
        $r.Errors | Should -HaveCount 0
        $r.Warnings | Should -HaveCount 0
        ($r.Verbose -join ' ') | Should -Match 'AddIntermediatesToStore changed nothing'
        foreach ($name in 'CertificateAuthority', 'Root', 'My') {
            foreach ($t in $fixture.Issuing, $fixture.Root, $fixture.Leaf) {
                (Get-StoreHits -StoreName $name -Location 'CurrentUser' -Thumbprint $t) | Should -Be 0
            }
        }
    }
}
