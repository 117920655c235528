# The emulator is as strict as Saleschat's edges: traffic passes "only with the right API key and client certificate".
# Its hello answers 401 to a wrong API key (none at all is still fine, as the documented curl sends none), and a
# registered certificate that has expired is refused in every refusal mode, so a demo or a CI gate against the
# emulator tells the truth. curl, given the same key and certificate, says what the outcome must be.
BeforeDiscovery {
    $modes = 'TlsAlert', 'CloseAfterHandshake', 'Http403', 'NginxPage'
}

BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair')
    $expired = New-TestExpiredClientPair -Folder (Join-Path $TestDrive 'expired')
    $wrongKey = 'sk_wrong_Hq7Vn2Lx9Pb4Tc6Md3'

    # Invoke-EdgeCurl's view of the emulator: its port, CA, API key and org.
    function Get-CurlTarget($Emulator) {
        [pscustomobject]@{ Port = $Emulator.BaseUri.Port; CaPath = $Emulator.CaPath; ApiKey = $Emulator.ApiKey; OrgId = $Emulator.OrgId }
    }

    function New-EmulatorSession($Emulator, $Pair, [string] $ApiKey) {
        $parameters = @{
            BaseUri = $Emulator.BaseUri; OrgId = $Emulator.OrgId; CertificatePath = $Pair.CertificatePath; KeyPath = $Pair.KeyPath
            ServerCertificateAuthority = $Emulator.CaCertificate; NoDefault = $true; MaximumRetryCount = 0; WarningAction = 'SilentlyContinue'
        }
        if ($ApiKey) { $parameters.ApiKey = Get-TestApiKey $ApiKey }
        New-SaleschatSession @parameters
    }
}

Describe 'The emulator refuses what Saleschat refuses (<_>)' -Tag 'CI', 'Slow' -ForEach $modes {
    BeforeAll {
        $emulator = Start-TestEmulator -Refusal $_
        Add-EmulatorCertificate -Emulator $emulator -Certificate $pair.Certificate
        Add-EmulatorCertificate -Emulator $emulator -Certificate $expired.Certificate
        $curlTarget = Get-CurlTarget $emulator
    }
    AfterAll { Stop-TestEmulator $emulator }

    It 'answers a wrong API key on the hello with 401: ApiKeyRejected, as curl sees it' {
        (Invoke-EdgeCurl -Edge $curlTarget -Pair $pair -ApiKey $wrongKey).Verdict | Should -BeExactly 'ApiKeyRejected'
        $result = Test-SaleschatMtls -Session (New-EmulatorSession $emulator $pair $wrongKey)
        $result.Diagnosis.ToString() | Should -BeExactly 'ApiKeyRejected' -Because $result.Message
        $result.StatusCode | Should -Be 401
        Test-SaleschatMtls -Session (New-EmulatorSession $emulator $pair $wrongKey) -Quiet | Should -BeFalse
    }

    It 'still says hello with the right key, or with none (the documented curl sends none)' {
        (Invoke-EdgeCurl -Edge $curlTarget -Pair $pair -ApiKey '').Verdict | Should -BeExactly 'Success'
        (Test-SaleschatMtls -Session (New-EmulatorSession $emulator $pair (Get-TestApiKeyText))).Diagnosis.ToString() | Should -BeExactly 'Success'
        (Test-SaleschatMtls -Session (New-EmulatorSession $emulator $pair $null)).Diagnosis.ToString() | Should -BeExactly 'Success'
    }

    It 'refuses a registered certificate that expired: ClientCertificateExpired, as curl sees it' {
        (Invoke-EdgeCurl -Edge $curlTarget -Pair $expired).Verdict | Should -BeExactly 'Refused'
        $result = Test-SaleschatMtls -Session (New-EmulatorSession $emulator $expired (Get-TestApiKeyText))
        $result.Diagnosis.ToString() | Should -BeExactly 'ClientCertificateExpired' -Because $result.Message
    }

    It 'refuses the expired certificate on API routes too, with CertificateExpired' {
        $session = New-EmulatorSession $emulator $expired (Get-TestApiKeyText)
        { Invoke-SaleschatMtlsRequest -Session $session '/v2/org/{orgId}/contact' -ErrorAction Stop } |
            Should -Throw -ErrorId 'CertificateExpired,Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'
    }
}
