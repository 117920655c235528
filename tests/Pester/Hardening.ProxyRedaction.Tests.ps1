# A proxy's credentials never reach a message: .NET writes the proxy URI, user and password included, into its CONNECT
# failures, and HTTPS_PROXY=http://user:pass@proxy is how CI gives them. .NET reads HTTPS_PROXY once per process, so
# each case runs in a child pwsh, against a real tinyproxy that refuses CONNECT (curl: "CONNECT tunnel failed, response
# 403").
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Helpers', 'Proxy.psm1')) -Force
    Import-TestedModule
    $proxy = Start-TestProxy -Kind Tinyproxy -RefuseConnect
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair')
    $user = 'proxyuser'
    $password = 'Pr0xyS3cret-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
    $proxyUri = "http://$($user):$password@127.0.0.1:$($proxy.Port)"
    # Not loopback, so the proxy is used; never resolved here: the proxy refuses the CONNECT.
    $mtlsHost = 'mtls.saleschat-harden-proxy.test'
}

AfterAll { Stop-TestServer $proxy }

Describe 'A proxy password never reaches a message' -Tag 'CI', 'Slow', 'Edge' {
    It 'curl sees the proxy refuse the tunnel (the outcome to match)' {
        $output = & (Get-EdgeTool curl) -sS --max-time 10 -x $proxyUri "https://$mtlsHost/v4/orgs/org-1/mtls/hello" 2>&1
        $LASTEXITCODE | Should -Not -Be 0
        ($output -join ' ') | Should -BeLike '*CONNECT tunnel failed, response 403*'
    }

    It 'keeps it out of Test-SaleschatMtls, the request error, Get-Error and every stream' {
        $script = Join-Path $TestDrive 'proxy.ps1'
        Set-Content -LiteralPath $script -Value @"
`$ErrorActionPreference = 'Continue'
Import-Module '$(Get-TestModuleManifest)'
`$session = New-SaleschatSession -BaseUri 'https://$mtlsHost/' -OrgId org-1 -ApiKey (ConvertTo-SecureString '$(Get-TestApiKeyText)' -AsPlainText -Force) -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)' -NoDefault -MaximumRetryCount 0 -TimeoutSec 20
`$result = Test-SaleschatMtls -Session `$session -Verbose *>&1 | ForEach-Object { if (`$_ -is [System.Management.Automation.VerboseRecord]) { 'VERBOSE: ' + `$_.Message } else { `$_ } }
`$result | Where-Object { `$_ -isnot [string] } | ForEach-Object { 'DIAGNOSIS=' + `$_.Diagnosis; 'MESSAGE=' + `$_.Message; 'RESULT=' + (`$_ | Format-List * | Out-String) }
`$result | Where-Object { `$_ -is [string] }
try { Invoke-SaleschatMtlsRequest -Session `$session -Method Get '/v2/org/{orgId}/contact' -Verbose -ErrorAction Stop 4>&1 | ForEach-Object { 'VERBOSE: ' + `$_ } }
catch {
    'ERRORID=' + `$_.FullyQualifiedErrorId
    'ERROR=' + `$_.Exception.Message
    'TOSTRING=' + `$_.Exception.ToString()
    'RECORD=' + (`$_ | Format-List * -Force | Out-String)
    'GETERROR=' + (Get-Error -InputObject `$_ | Out-String)
}
'DONE'
"@
        $run = Invoke-TestPwsh -File $script -TimeoutSec 120 -Environment @{ HTTPS_PROXY = $proxyUri; NO_PROXY = $null }
        $all = $run.StdOut + $run.StdErr

        $run.StdOut | Should -Match 'DONE' -Because $all
        $run.StdOut | Should -Match 'ERRORID=\w+' -Because 'the request failed at the proxy'
        $run.StdOut | Should -Not -Match 'DIAGNOSIS=Success'
        # The proxy did refuse: its 403 shows in the platform's words, which the verbose stream repeats.
        $all | Should -Match '403'
        $all | Should -Not -BeLike "*$password*"
        $all | Should -Not -BeLike "*$($user):*"
    }
}
