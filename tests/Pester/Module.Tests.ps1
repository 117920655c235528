# The module as PowerShell sees it: approved verbs, declared outputs with views, WhatIf exactly on the writers,
# pipeline chaining and the usual aliases, tab completion as a console asks for it, and a lifetime that does no
# work at import and closes the default session at Remove-Module.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $cmdlets = @(Get-Command -Module Saleschat.Mtls)
    $writers = 'New-SaleschatClientKey', 'New-SaleschatClientCertificate', 'Export-SaleschatClientCertificate',
        'Start-SaleschatCertificateRotation', 'Complete-SaleschatCertificateRotation', 'Invoke-SaleschatCertificateMaintenance'

    function Get-Completion([string] $Line) {
        @([System.Management.Automation.CommandCompletion]::CompleteInput($Line, $Line.Length, $null).CompletionMatches.CompletionText)
    }
}

Describe 'PowerShell conventions, over every exported cmdlet' -Tag 'CI', 'WinPS' {
    It 'exports twelve cmdlets, every verb approved' {
        $cmdlets | Should -HaveCount 12
        $approved = (Get-Verb).Verb
        foreach ($c in $cmdlets) { $approved | Should -Contain $c.Verb -Because $c.Name }
    }

    It 'declares what each cmdlet outputs, and every Saleschat output type has a view' {
        $formats = [xml][IO.File]::ReadAllText([IO.Path]::Combine((Get-Module Saleschat.Mtls).ModuleBase, 'Saleschat.Mtls.format.ps1xml'))
        $viewed = @($formats.Configuration.ViewDefinitions.View.ViewSelectedBy.TypeName)
        foreach ($c in $cmdlets) {
            $c.OutputType | Should -Not -BeNullOrEmpty -Because $c.Name
            foreach ($t in $c.OutputType.Type | Where-Object { $_ -and $_.Namespace -like 'Saleschat.Mtls*' }) {
                $viewed | Should -Contain $t.FullName -Because "$($c.Name) outputs $($t.FullName)"
            }
        }
        # Certificates are tagged with their own view, so the default X509 view elsewhere is untouched.
        $viewed | Should -Contain 'Saleschat.Mtls.ClientCertificate'
        $viewed | Should -Contain 'Saleschat.Mtls.CertificateCheck'
    }

    It '<Name> supports -WhatIf and -Confirm exactly when it writes' -ForEach @(
        'New-SaleschatClientKey', 'New-SaleschatClientCertificate', 'Get-SaleschatClientCertificate', 'Export-SaleschatClientCertificate',
        'Test-SaleschatClientCertificate', 'New-SaleschatSession', 'Test-SaleschatMtls', 'Invoke-SaleschatMtlsRequest',
        'Start-SaleschatCertificateRotation', 'Complete-SaleschatCertificateRotation', 'Invoke-SaleschatCertificateMaintenance' | ForEach-Object { @{ Name = $_ } }
    ) {
        $c = Get-Command $Name
        $c.Parameters.ContainsKey('WhatIf') | Should -Be ($writers -contains $Name)
        $c.Parameters.ContainsKey('Confirm') | Should -Be ($writers -contains $Name)
    }

    It '<Name> -Certificate takes the pipeline and the alias Cert' -ForEach @(
        @{ Name = 'Export-SaleschatClientCertificate' }, @{ Name = 'Test-SaleschatClientCertificate' }, @{ Name = 'New-SaleschatSession' }
    ) {
        $p = (Get-Command $Name).Parameters['Certificate']
        $p.Aliases | Should -Contain 'Cert'
        @($p.ParameterSets.Values | Where-Object ValueFromPipeline) | Should -Not -BeNullOrEmpty
    }

    It 'has the aliases users reach for' {
        (Get-Command New-SaleschatSession).Parameters['CertificateThumbprint'].Aliases | Should -Contain 'Thumbprint'
        (Get-Command Get-SaleschatClientCertificate).Parameters['Path'].Aliases | Should -Contain 'FullName'
    }
}

Describe 'Tab completion, asked as a console asks' -Tag 'CI', 'WinPS' {
    It 'completes -Environment' {
        Get-Completion 'New-SaleschatSession -Environment U' | Should -Be @('UAT')
        Get-Completion 'New-SaleschatSession -Environment ' | Should -Contain 'Production'
    }

    It 'completes the documented API paths' {
        Get-Completion 'Invoke-SaleschatMtlsRequest -Path /v2' | Should -Be @("'/v2/org/{orgId}/contact'")
        Get-Completion 'Invoke-SaleschatMtlsRequest ' | Should -Contain "'/v4/orgs/{orgId}/mtls/hello'"
    }

    It 'completes thumbprints from the CurrentUser\My store' {
        $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'completion')
        $certificate = [Security.Cryptography.X509Certificates.X509Certificate2]::new($pair.CertificatePath)
        Add-TestStoreCertificate $certificate
        try {
            $prefix = $certificate.Thumbprint.Substring(0, 6)
            Get-Completion "Get-SaleschatClientCertificate -Thumbprint $prefix" | Should -Contain $certificate.Thumbprint
            Get-Completion "New-SaleschatSession -CertificateThumbprint $prefix" | Should -Contain $certificate.Thumbprint
        }
        finally { Remove-TestStoreCertificate $certificate }
    }
}

Describe 'Module lifetime' -Tag 'CI', 'Slow' {
    It 'does no work at import, and Remove-Module closes the default session' {
        $script = @"
Import-Module '$(Get-TestModuleManifest)'
'before=' + ([Saleschat.Mtls.Sessions.DefaultSession]::Current -eq `$null)
New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Life | New-SaleschatSession -OrgId o -Environment UAT | Out-Null
'during=' + ([Saleschat.Mtls.Sessions.DefaultSession]::Current -eq `$null)
Remove-Module Saleschat.Mtls
'after=' + ([Saleschat.Mtls.Sessions.DefaultSession]::Current -eq `$null)
"@
        $run = Invoke-TestPwsh -Command $script -TimeoutSec 90
        $run.ExitCode | Should -Be 0 -Because (Get-TestPwshText $run)
        $run.StdOut | Should -Match 'before=True'
        $run.StdOut | Should -Match 'during=False'
        $run.StdOut | Should -Match 'after=True'
    }
}
