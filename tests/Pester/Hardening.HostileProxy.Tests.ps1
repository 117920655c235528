# What a broken or hostile proxy answers to CONNECT is named like any proxy failure, never a raw .NET exception:
# .NET's Negotiate handler throws FormatException for a challenge blob that is not base64.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair')
    $credential = [pscredential]::new('proxyuser', (ConvertTo-SecureString 'Pr0xy-Hostile-Secret' -AsPlainText -Force))
}

Describe 'A proxy challenge that cannot be read' -Tag 'CI' {
    It 'is ProxyAuthenticationRequired for <Name>' -TestCases @(
        @{ Name = 'a Negotiate blob that is not base64'; Challenge = 'Negotiate not*base64' }
        @{ Name = 'an NTLM blob with an escape sequence'; Challenge = "NTLM `e[5m" }
    ) {
        param($Name, $Challenge)
        $proxy = Start-CaptureServer -Answer "HTTP/1.1 407 Proxy Authentication Required`r`nConnection: close`r`nProxy-Authenticate: $Challenge`r`nContent-Length: 0`r`n`r`n"
        try {
            $session = New-SaleschatSession -BaseUri 'https://mtls.saleschat-hostile-proxy.test/' -OrgId (Get-TestOrgId) -ApiKey (Get-TestApiKey) `
                -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -NoDefault -MaximumRetryCount 0 -TimeoutSec 20 `
                -Proxy "http://127.0.0.1:$($proxy.Port)" -ProxyCredential $credential
            { Invoke-SaleschatMtlsRequest -Session $session -Path '/v4/orgs/{orgId}/mtls/hello' -ErrorAction Stop } |
                Should -Throw -ErrorId 'ProxyAuthenticationRequired,Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'
            $result = Test-SaleschatMtls -Session $session -ErrorAction Stop
            $result.Diagnosis.ToString() | Should -BeExactly 'ProxyAuthenticationRequired' -Because $result.Message
            $result.Message | Should -Not -Match "`e"
            $session.Dispose()
        }
        finally { $proxy.Dispose() }
    }
}

Describe 'A tunnel that closes before the TLS handshake is done' -Tag 'CI' {
    It 'is ProxyRefused, never a certificate the host refused, and is not retried' {
        $proxy = Start-CaptureServer -Answer "HTTP/1.1 200 Connection established`r`n`r`n"
        try {
            $session = New-SaleschatSession -BaseUri 'https://mtls.saleschat-hostile-proxy.test/' -OrgId (Get-TestOrgId) -ApiKey (Get-TestApiKey) `
                -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -NoDefault -MaximumRetryCount 3 -RetryIntervalSec 1 -TimeoutSec 20 `
                -Proxy "http://127.0.0.1:$($proxy.Port)"
            $clock = [Diagnostics.Stopwatch]::StartNew()
            { Invoke-SaleschatMtlsRequest -Session $session -Path '/v4/orgs/{orgId}/mtls/hello' -ErrorAction Stop } |
                Should -Throw -ErrorId 'ProxyRefused,Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 1 -Because 'a proxy failure is never retried (three retries would wait 1 s or more)'
            $result = Test-SaleschatMtls -Session $session -ErrorAction Stop
            $result.Diagnosis.ToString() | Should -BeExactly 'ProxyRefused' -Because $result.Message
            $result.Message | Should -Match 'before the TLS handshake finished'
            $result.Message | Should -Not -Match 'Upload'
            $session.Dispose()
        }
        finally { $proxy.Dispose() }
    }
}
