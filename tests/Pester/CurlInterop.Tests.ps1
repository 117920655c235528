# The files our cmdlets write are the files Saleschat's documentation hands to curl:
# curl --cert saleschat-client.crt --key saleschat-client.key https://mtls…/v4/orgs/ORG/mtls/hello
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    $hello = [uri]::new($emulator.BaseUri, 'v4/orgs/org-1/mtls/hello').AbsoluteUri

    # curl, run the way Saleschat's documentation runs it: quiet (errors still shown), failing on HTTP errors, bounded
    # in time, never through a proxy. Returns ExitCode and Output (stdout and stderr).
    function Invoke-TestCurl {
        param([Parameter(Mandatory)] [string[]] $ArgumentList, [string] $WorkingDirectory = $PWD.ProviderPath)
        $arguments = @('--silent', '--show-error', '--fail', '--max-time', '20', '--noproxy', '*') + $ArgumentList
        $result = Invoke-TestProgram -FileName curl -ArgumentList $arguments -WorkingDirectory $WorkingDirectory -TimeoutSec 30
        if ($result.TimedOut) { throw "curl did not finish within 30 s." }
        $result
    }
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'curl with the key and certificate our cmdlets made' -Tag 'CI', 'Slow' {
    It 'gets hello world over <Protocol>' -TestCases @(
        @{ Options = @(); Protocol = 'HTTP/2' }
        @{ Options = @('--http1.1'); Protocol = 'HTTP/1.1' }
    ) {
        $curl = Invoke-TestCurl -WorkingDirectory $TestDrive -ArgumentList ($Options + @('--cert', $pair.CertificatePath, '--key', $pair.KeyPath, '--cacert', $emulator.CaPath, $hello))

        $curl.ExitCode | Should -Be 0 -Because $curl.Output
        $curl.Output.TrimEnd("`n") | Should -BeExactly 'Hello, world!'
        (Get-EmulatorStats $emulator).lastProtocol | Should -BeExactly $Protocol
    }

    It 'opens an encrypted key with its password' {
        $key = Join-Path $TestDrive 'enc.key'
        $certificate = Join-Path $TestDrive 'enc.crt'
        $password = 'Corr3ct-horse battery'
        $null = New-SaleschatClientKey -Path $key -Password (ConvertTo-SecureString $password -AsPlainText -Force) |
            New-SaleschatClientCertificate -Organization Acme -Path $certificate
        [IO.File]::ReadAllText($key) | Should -BeLike '-----BEGIN ENCRYPTED PRIVATE KEY-----*'
        Add-EmulatorCertificate -Emulator $emulator -Certificate $certificate   # pasted into Settings > mTLS

        $curl = Invoke-TestCurl -WorkingDirectory $TestDrive -ArgumentList '--cert', $certificate, '--key', $key, '--pass', $password, '--cacert', $emulator.CaPath, $hello

        $curl.ExitCode | Should -Be 0 -Because $curl.Output
        $curl.Output.TrimEnd("`n") | Should -BeExactly 'Hello, world!'
    }

    It 'cannot use the encrypted key with a wrong password (exit 58, CURLE_SSL_CERTPROBLEM)' {
        $key = Join-Path $TestDrive 'enc2.key'
        $certificate = Join-Path $TestDrive 'enc2.crt'
        $null = New-SaleschatClientKey -Path $key -Password (ConvertTo-SecureString 'the-right-one' -AsPlainText -Force) |
            New-SaleschatClientCertificate -Organization Acme -Path $certificate
        Add-EmulatorCertificate -Emulator $emulator -Certificate $certificate

        $curl = Invoke-TestCurl -WorkingDirectory $TestDrive -ArgumentList '--cert', $certificate, '--key', $key, '--pass', 'the-wrong-one', '--cacert', $emulator.CaPath, $hello

        $curl.ExitCode | Should -Be 58 -Because $curl.Output   # the key could not be loaded
    }
}
