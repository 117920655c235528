# -Thumbprint takes the SHA-1 thumbprint Windows shows (40 hex digits) and the SHA-256 one newer tools show (64):
# X509FindType.FindByThumbprint knows only SHA-1, so a SHA-256 thumbprint used to be "not found".
# Parses in Windows PowerShell 5.1 (tag WinPS): no PowerShell-7-only syntax.

BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $cmdlet = 'Saleschat.Mtls.Cmdlets.GetSaleschatClientCertificateCommand'

    # A public certificate in CurrentUser\My (on Linux .NET keeps that store under ~/.dotnet); removed in AfterAll.
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'store') -NoUpload
    $public = [Security.Cryptography.X509Certificates.X509Certificate2]::new($pair.Certificate.RawData)
    $store = [Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
    $store.Open('ReadWrite')
    $store.Add($public)
    $sha = [Security.Cryptography.SHA256]::Create()
    $sha256 = -join ($sha.ComputeHash($public.RawData) | ForEach-Object { $_.ToString('X2') })
    $sha.Dispose()
}

AfterAll {
    if ($store) {
        $store.Remove($public)
        $store.Dispose()
    }
}

Describe 'Get-SaleschatClientCertificate -Thumbprint' -Tag 'CI', 'WinPS' {
    It 'finds the certificate by its SHA-256 thumbprint written as <Form>' -TestCases @(
        @{ Form = 'upper case' }
        @{ Form = 'lower case' }
        @{ Form = 'colon-separated pairs' }
    ) {
        $text = $sha256
        if ($Form -eq 'lower case') { $text = $sha256.ToLowerInvariant() }
        if ($Form -eq 'colon-separated pairs') { $text = ($sha256 -split '(..)' | Where-Object { $_ }) -join ':' }

        $found = Get-SaleschatClientCertificate -Thumbprint $text

        $found.Thumbprint | Should -Be $public.Thumbprint
    }

    It 'still finds it by its SHA-1 thumbprint' {
        (Get-SaleschatClientCertificate -Thumbprint $public.Thumbprint).Thumbprint | Should -Be $public.Thumbprint
    }

    It 'says "not found" for an unknown SHA-256 thumbprint' {
        { Get-SaleschatClientCertificate -Thumbprint ('AB' * 32) -ErrorAction Stop } |
            Should -Throw -ErrorId "CertificateNotFoundInStore,$cmdlet"
    }

    It 'names both accepted lengths when given <Length> hex digits' -TestCases @(
        @{ Length = 39 }
        @{ Length = 41 }
        @{ Length = 63 }
    ) {
        $thrown = { Get-SaleschatClientCertificate -Thumbprint ('A' * $Length) -ErrorAction Stop } |
            Should -Throw -ErrorId "InvalidThumbprint,$cmdlet" -PassThru
        $thrown.Exception.Message | Should -Match '\b40\b'
        $thrown.Exception.Message | Should -Match '\b64\b'
    }
}
