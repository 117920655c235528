# A certificate New-SaleschatSession loads (files, PEM, the store) belongs to the session: disposed when the session
# is closed (Remove-Module closes the default one), and at process exit for sessions still open. On Windows each
# certificate left undisposed keeps its imported key file under %APPDATA%\Microsoft\Crypto for good; here a disposed
# certificate shows as a zero Handle. A certificate the caller pipes in stays the caller's, and a default session that
# a newer one replaced stays usable for whoever still holds it. Run in a child pwsh: Remove-Module is part of the test.
# This file must parse in Windows PowerShell 5.1.

BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -NoUpload
    $manifest = Get-TestModuleManifest
}

Describe 'Who disposes a session''s certificate' -Tag 'CI', 'Slow' {
    BeforeAll {
        $run = Invoke-TestPwsh -TimeoutSec 120 -Command @"
Import-Module '$manifest'
`$common = @{ BaseUri = 'https://127.0.0.1:9/'; OrgId = 'org-1'; MaximumRetryCount = 0 }
`$first = New-SaleschatSession @common -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)'
`$firstCertificate = `$first.Certificate
`$second = New-SaleschatSession @common -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)'
`$secondCertificate = `$second.Certificate
'REPLACED_STILL_OPEN=' + `$first.IsOpen
'REPLACED_CERTIFICATE_ALIVE=' + (`$firstCertificate.Handle -ne [IntPtr]::Zero)
`$mine = Get-SaleschatClientCertificate -Path '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)'
`$piped = `$mine | New-SaleschatSession @common -NoDefault
`$piped.Dispose()
'PIPED_CERTIFICATE_ALIVE=' + (`$mine.Handle -ne [IntPtr]::Zero)
`$first.Dispose()
'CLOSED_CERTIFICATE_DISPOSED=' + (`$firstCertificate.Handle -eq [IntPtr]::Zero)
'CLOSED_SESSION_STILL_NAMED=' + (`$first.Thumbprint -eq `$mine.Thumbprint)
Remove-Module Saleschat.Mtls
'DEFAULT_CERTIFICATE_DISPOSED_AT_REMOVE=' + (`$secondCertificate.Handle -eq [IntPtr]::Zero)
"@
        $lines = @($run.StdOut -split "`r?`n" | Where-Object { $_ -match '^[A-Z_]+=' })
        $facts = @{}
        foreach ($line in $lines) { $name, $value = $line -split '=', 2; $facts[$name] = $value }
    }

    It '<Fact> is <Expected>' -TestCases @(
        @{ Fact = 'REPLACED_STILL_OPEN'; Expected = 'True' }
        @{ Fact = 'REPLACED_CERTIFICATE_ALIVE'; Expected = 'True' }
        @{ Fact = 'PIPED_CERTIFICATE_ALIVE'; Expected = 'True' }
        @{ Fact = 'CLOSED_CERTIFICATE_DISPOSED'; Expected = 'True' }
        @{ Fact = 'CLOSED_SESSION_STILL_NAMED'; Expected = 'True' }
        @{ Fact = 'DEFAULT_CERTIFICATE_DISPOSED_AT_REMOVE'; Expected = 'True' }
    ) {
        param($Fact, $Expected)
        $facts[$Fact] | Should -BeExactly $Expected -Because "$($run.StdOut)`n$($run.StdErr)"
    }
}
