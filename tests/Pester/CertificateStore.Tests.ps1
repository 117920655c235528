# Get-SaleschatClientCertificate -Thumbprint: the OS store (CurrentUser\My; on Linux .NET keeps it under ~/.dotnet).
# The test certificate is always removed again.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $cmdlet = 'Saleschat.Mtls.Cmdlets.GetSaleschatClientCertificateCommand'
    $pair = New-TestCertificateIssuedAt -Folder (Join-Path $TestDrive 'store') -IssuedUtc ([DateTime]::UtcNow.AddMinutes(-5)) -Name 'store'
    $thumbprint = $pair.Thumbprint

    # How many certificates with this thumbprint CurrentUser\My holds (0 proves a test cleaned up).
    function Get-TestStoreCount {
        param([Parameter(Mandatory)] [string] $Thumbprint)
        $store = [Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
        try {
            $store.Open('ReadOnly')
            $store.Certificates.Find('FindByThumbprint', $Thumbprint, $false).Count
        }
        finally { $store.Dispose() }
    }
}

Describe 'Get-SaleschatClientCertificate -Thumbprint' -Tag 'CI' {
    Context 'a certificate in CurrentUser\My' {
        BeforeAll {
            $entry = [Security.Cryptography.X509Certificates.X509Certificate2]::new($pair.Cert)
            Add-TestStoreCertificate $entry
        }
        AfterAll { Remove-TestStoreCertificate $entry }

        It 'finds it by the thumbprint pasted <Form>' -TestCases @(
            @{ Form = 'as is' }
            @{ Form = 'in lower case' }
            @{ Form = 'spaced in pairs' }
            @{ Form = 'with colons, lower case' }
            @{ Form = 'after an invisible left-to-right mark' }
        ) {
            $spaced = ($thumbprint -split '(..)' -ne '') -join ' '
            $pasted = switch ($Form) {
                'as is' { $thumbprint }
                'in lower case' { $thumbprint.ToLowerInvariant() }
                'spaced in pairs' { $spaced }
                'with colons, lower case' { $spaced.Replace(' ', ':').ToLowerInvariant() }
                'after an invisible left-to-right mark' { [string][char]0x200E + $thumbprint }
            }
            # Ordinal: PowerShell's -ceq ignores the zero-width mark.
            [string]::Equals($pasted, $thumbprint, [StringComparison]::Ordinal) | Should -Be ($Form -eq 'as is')

            $found = @(Get-SaleschatClientCertificate -Thumbprint $pasted)

            $found | Should -HaveCount 1
            $found[0].Thumbprint | Should -BeExactly $thumbprint
            $found[0].DaysUntilExpiry | Should -BeIn 364, 365
        }
    }

    It 'leaves nothing in the store afterwards' {
        Get-TestStoreCount $thumbprint | Should -Be 0
    }

    It 'does not find an unknown thumbprint' {
        $unknown = 'A' * 40
        $r = Invoke-TestCommand { Get-SaleschatClientCertificate -Thumbprint $unknown }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeExactly "CertificateNotFoundInStore,$cmdlet"
        $r.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $r.Errors[0].TargetObject | Should -BeExactly $unknown
        $r.Output | Should -HaveCount 0
    }

    It 'a store that cannot exist here (LocalMachine\My on Unix) is not found either' -Skip:$IsWindows {
        # Unix LocalMachine holds only Root and CertificateAuthority.
        $r = Invoke-TestCommand { Get-SaleschatClientCertificate -Thumbprint ('B' * 40) -StoreLocation LocalMachine }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeExactly "CertificateNotFoundInStore,$cmdlet"
    }

    It 'text that is no thumbprint says so' {
        $r = Invoke-TestCommand { Get-SaleschatClientCertificate -Thumbprint 'my-cert' }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidThumbprint,$cmdlet"
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Get-SaleschatClientCertificate -Thumbprint for a fresh account' -Tag 'CI', 'Slow' {
    BeforeAll {
        Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    }

    It 'a fresh account without a store gets CertificateNotFoundInStore' -Skip:$IsWindows {
        # A new Linux user (a CI runner) has no ~/.dotnet store until something is added: run the module in a
        # pwsh whose HOME is empty, as that runner would.
        $emptyHome = New-TestFolder $TestDrive
        $command = "Import-Module '$(Get-TestModuleManifest)'; Get-SaleschatClientCertificate -Thumbprint ('C' * 40) -ErrorAction SilentlyContinue; `$Error[0].FullyQualifiedErrorId"
        $run = Invoke-TestPwsh -Command $command -Environment @{ HOME = $emptyHome; DOTNET_CLI_HOME = $emptyHome } -TimeoutSec 90
        $run.TimedOut | Should -BeFalse
        $run.StdOut + $run.StdErr | Should -Match ([regex]::Escape("CertificateNotFoundInStore,$cmdlet"))
        [IO.Path]::Combine($emptyHome, '.dotnet', 'corefx', 'cryptography', 'x509stores', 'my') | Should -Not -Exist
    }
}
