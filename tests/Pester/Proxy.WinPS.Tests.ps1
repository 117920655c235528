# The proxy parameters and the proxy diagnoses that need no proxy server, meant for Windows PowerShell 5.1 too (there
# HttpClientHandler runs on HttpWebRequest and the default proxy is the WinINET one, not HTTPS_PROXY). The real proxies
# (squid, tinyproxy) are in Proxy.Tests.ps1.
# This file must parse in Windows PowerShell 5.1: no ternary, no '??', no '&&', and $IsWindows does not exist there.

BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $sessionCmdlet = 'Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand'
    $requestCmdlet = 'Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'
    $certificate = New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme
    $password = 'WinPs-' + [guid]::NewGuid().ToString('n').Substring(0, 12)
    $credential = New-Object Management.Automation.PSCredential -ArgumentList 'alice', (ConvertTo-SecureString $password -AsPlainText -Force)
    # A name under .test: through a proxy the client never resolves it (the proxy would), so it need not exist.
    $baseUri = 'https://saleschat-proxy-winps.test/'

    # A port on 127.0.0.1 where nothing listens: a dead proxy.
    $listener = New-Object Net.Sockets.TcpListener -ArgumentList ([Net.IPAddress]::Loopback), 0
    $listener.Start()
    $deadPort = $listener.LocalEndpoint.Port
    $listener.Stop()
}

Describe 'New-SaleschatSession proxy parameters' -Tag 'CI', 'WinPS' {
    It 'refuses <Case> (InvalidProxySetting)' -TestCases @(
        @{ Case = '-NoProxy with -Proxy'; Given = @{ NoProxy = $true; Proxy = 'http://proxy.example:3128' } }
        @{ Case = '-ProxyCredential without -Proxy'; Given = @{ ProxyCredential = 'credential' } }
        @{ Case = '-ProxyUseDefaultCredentials without -Proxy'; Given = @{ ProxyUseDefaultCredentials = $true } }
        @{ Case = 'both kinds of proxy credential'; Given = @{ Proxy = 'http://proxy.example:3128'; ProxyCredential = 'credential'; ProxyUseDefaultCredentials = $true } }
        @{ Case = 'a proxy that is not http'; Given = @{ Proxy = 'ftp://proxy.example' } }
    ) {
        $parameters = @{ BaseUri = $baseUri; Certificate = $certificate; NoDefault = $true }
        foreach ($k in $Given.Keys) {
            if ('credential' -eq $Given[$k]) { $parameters[$k] = $credential } else { $parameters[$k] = $Given[$k] }
        }

        { New-SaleschatSession @parameters } | Should -Throw -ErrorId "InvalidProxySetting,$sessionCmdlet"
    }

    It 'shows the proxy without the user and password in its address' {
        $session = New-SaleschatSession -BaseUri $baseUri -OrgId org-1 -Certificate $certificate -NoDefault -Proxy "http://alice:$password@proxy.example:3128/"
        try {
            $session.Proxy | Should -BeExactly 'http://proxy.example:3128/ (-Proxy)'
            $shown = ($session | Out-String -Width 200) + ($session | Format-List * -Force | Out-String -Width 200)
            $shown | Should -Not -BeLike "*$password*"
            $shown | Should -BeLike '*Proxy*: http://proxy.example:3128/ (-Proxy)*'
        }
        finally { $session.Dispose() }
    }

    It 'shows "direct (-NoProxy)" for -NoProxy, in a view 80 columns wide' {
        $session = New-SaleschatSession -BaseUri $baseUri -OrgId org-1 -Certificate $certificate -NoDefault -NoProxy
        try {
            ($session | Out-String -Width 80) | Should -BeLike '*Proxy*: direct (-NoProxy)*'
        }
        finally { $session.Dispose() }
    }

    It 'keeps -ProxyCredential out of the session and its view' {
        $session = New-SaleschatSession -BaseUri $baseUri -OrgId org-1 -Certificate $certificate -NoDefault -Proxy 'http://proxy.example:3128' -ProxyCredential $credential
        try {
            $session.Proxy | Should -BeExactly 'http://proxy.example:3128/ (-Proxy)'
            ($session | Format-List * -Force | Out-String -Width 200) + $session.ToString() | Should -Not -BeLike "*$password*"
        }
        finally { $session.Dispose() }
    }
}

Describe 'A proxy that cannot be reached' -Tag 'CI', 'WinPS' {
    It 'is ProxyUnreachable in Test-SaleschatMtls and Invoke-SaleschatMtlsRequest, at once and without a retry' {
        $session = New-SaleschatSession -BaseUri $baseUri -OrgId org-1 -Certificate $certificate -NoDefault -Proxy "http://alice:$password@127.0.0.1:$deadPort/" -MaximumRetryCount 3 -RetryIntervalSec 1
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $result = Test-SaleschatMtls -Session $session
            $clock.Stop()
            $result.Diagnosis | Should -Be 'ProxyUnreachable' -Because $result.Message
            $result.Message | Should -BeLike "*http://127.0.0.1:$deadPort/*could not be reached*-NoProxy*"
            $result.Message | Should -Not -BeLike "*$password*"
            # A retry would wait at least 0.5 s (RetryIntervalSec 1, half of it fixed) before the second attempt.
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 3

            $records = Invoke-SaleschatMtlsRequest -Session $session -Method Get -Path '/v4/orgs/{orgId}/mtls/hello' -Verbose -ErrorVariable failure -ErrorAction SilentlyContinue 4>&1
            $failure[0].FullyQualifiedErrorId | Should -BeExactly "ProxyUnreachable,$requestCmdlet"
            $failure[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            @($records | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like 'Retrying*' }) | Should -HaveCount 0
            ($failure[0] | Format-List * -Force | Out-String) + $failure[0].Exception.ToString() | Should -Not -BeLike "*$password*"
        }
        finally { $session.Dispose() }
    }
}
