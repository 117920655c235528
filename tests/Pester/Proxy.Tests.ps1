# Behind a corporate egress proxy: mTLS end to end through CONNECT against Debian's squid (Basic authentication with
# basic_ncsa_auth, a refused host, ssl_bump with its own CA) and tinyproxy (BasicAuth), in front of real nginx mTLS
# edges (HTTP/2 and HTTP/1.1). The API host is a name in /etc/hosts, since .NET and curl send loopback addresses and
# localhost straight to the host. What the proxy saw is read from its own log; curl says what the right outcome is.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Helpers', 'Proxy.psm1')) -Force
    Import-TestedModule
    # A proxy in the suite's own environment would change every case: the cases set what they need.
    $savedEnvironment = @{}
    foreach ($name in 'SALESCHAT_API_KEY', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy') {
        # Removed, not emptied: .NET reads no_proxy before NO_PROXY, and an empty one hides the other.
        $savedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
        Remove-Item -LiteralPath "env:$name" -ErrorAction Ignore
    }

    $hostName = New-TestProxyHostName
    Add-TestHostName $hostName
    $root = Join-Path $TestDrive 'proxy'
    $authority = New-TestEdgeAuthority -Folder (Join-Path $root 'ca')
    $pair = New-TestClientPair -Folder (Join-Path $root 'pair') -Name client
    $edges = @{
        # nginx ssl_verify_client on over HTTP/2, whose hello also checks the API key (401 without it).
        Http2 = Start-TestEdge -Kind NginxApiKey -Authority $authority -Allowed $pair.CertificatePath -ServerSubjectAltName "DNS:$hostName"
        Http1 = Start-TestEdge -Kind NginxVerifyOnHttp1 -Authority $authority -Allowed $pair.CertificatePath -ServerSubjectAltName "DNS:$hostName"
    }
    $proxyUser = 'alice'
    $proxyPassword = 'Px-' + [guid]::NewGuid().ToString('n').Substring(0, 16)
    $wrongPassword = 'Wrong-' + [guid]::NewGuid().ToString('n').Substring(0, 16)
    $proxies = @{
        Squid     = Start-TestProxy -Kind Squid -User $proxyUser -Password $proxyPassword
        Tinyproxy = Start-TestProxy -Kind Tinyproxy -User $proxyUser -Password $proxyPassword
        SquidBump = Start-TestProxy -Kind SquidBump
    }
    $apiKey = Get-TestApiKeyText
    $requestCmdlet = 'Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'

    function Get-ProxyCredential([string] $Password = $proxyPassword) {
        [pscredential]::new($proxyUser, (ConvertTo-SecureString $Password -AsPlainText -Force))
    }

    # A session to an edge by the test host name (or another), with proxy parameters from -Extra; not the default session.
    function New-ProxySession([string] $Edge = 'Http2', [hashtable] $Extra = @{}, [string] $HostName = $hostName) {
        $parameters = @{
            BaseUri                    = "https://$($HostName):$($edges[$Edge].Port)/"
            OrgId                      = $edges[$Edge].OrgId
            ApiKey                     = Get-TestApiKey
            Certificate                = $pair.Certificate
            ServerCertificateAuthority = $authority.Certificate
            NoDefault                  = $true
        }
        foreach ($k in $Extra.Keys) { $parameters[$k] = $Extra[$k] }
        New-SaleschatSession @parameters
    }

    # A CI step in a child pwsh: HttpClient.DefaultProxy is read once per process, so every environment case needs its own.
    $childScript = Join-Path $TestDrive 'proxy-step.ps1'
    Set-Content -LiteralPath $childScript -Value @'
param($BaseUri, $CaPath, $CertificatePath, $KeyPath, [switch] $NoProxy)
Import-Module Saleschat.Mtls
$ca = [Security.Cryptography.X509Certificates.X509Certificate2]::new($CaPath)
$extra = @{}
if ($NoProxy) { $extra.NoProxy = $true }
$s = New-SaleschatSession -BaseUri $BaseUri -OrgId org-1 -CertificatePath $CertificatePath -KeyPath $KeyPath -ServerCertificateAuthority $ca -NoDefault @extra
$t = Test-SaleschatMtls -Session $s
$s.Dispose()
'RESULT=' + (@{ Diagnosis = [string]$t.Diagnosis; Message = $t.Message; Proxy = $s.Proxy; HttpVersion = $t.HttpVersion; Environment = (@(Get-ChildItem env: | Where-Object Name -like '*proxy*' | ForEach-Object { $_.Name + '=' + ($_.Value -replace '//[^@/]*@', '//') }) -join ', ') } | ConvertTo-Json -Compress)
'@
    function Invoke-ProxyStep([hashtable] $Environment, [switch] $NoProxy, [string] $Edge = 'Http2') {
        $arguments = @("https://$($hostName):$($edges[$Edge].Port)/", $authority.CertificatePath, $pair.CertificatePath, $pair.KeyPath)
        if ($NoProxy) { $arguments += '-NoProxy' }
        $childEnvironment = @{ SALESCHAT_API_KEY = $apiKey } + $Environment
        $run = Invoke-TestPwsh -File $childScript -ArgumentList $arguments -Environment $childEnvironment -ModuleOnPath -TimeoutSec 90
        $line = ($run.StdOut -split "`r?`n") | Where-Object { $_.StartsWith('RESULT=') }
        if (-not $line) { throw "The child step wrote no result: $($run.StdOut) $($run.StdErr)" }
        $line.Substring(7) | ConvertFrom-Json
    }
}

AfterAll {
    $proxies.Values | Stop-TestServer
    $edges.Values | Stop-TestServer
    Remove-TestHostName $hostName
    foreach ($name in $savedEnvironment.Keys) {
        if ($null -ne $savedEnvironment[$name]) { Set-Item -LiteralPath "env:$name" -Value $savedEnvironment[$name] }
    }
}

Describe 'mTLS through a CONNECT proxy' -Tag 'CI', 'Slow', 'Edge' {
    It 'gives Success through <Proxy> with -Proxy and -ProxyCredential over <Edge>, and the proxy sees the host and port only' -TestCases @(
        @{ Proxy = 'Squid'; Edge = 'Http2'; Version = 'HTTP/2.0' }
        @{ Proxy = 'Squid'; Edge = 'Http1'; Version = 'HTTP/1.1' }
        @{ Proxy = 'Tinyproxy'; Edge = 'Http2'; Version = 'HTTP/2.0' }
        @{ Proxy = 'Tinyproxy'; Edge = 'Http1'; Version = 'HTTP/1.1' }
    ) {
        $proxy = $proxies[$Proxy]
        $before = Get-TestProxyConnectCount $proxy $hostName
        $uri = [uri]"https://$($hostName):$($edges[$Edge].Port)/v4/orgs/org-1/mtls/hello"
        (Invoke-ProxyCurl -Uri $uri -Proxy $proxy -Pair $pair -CaPath $authority.CertificatePath -ProxyUser "${proxyUser}:$proxyPassword" -ApiKey $apiKey).StatusCode | Should -Be 200

        $session = New-ProxySession -Edge $Edge -Extra @{ Proxy = $proxy.Uri; ProxyCredential = Get-ProxyCredential }
        try {
            $session.Proxy | Should -BeExactly "$($proxy.Uri.AbsoluteUri) (-Proxy)"
            $result = Test-SaleschatMtls -Session $session
            $result.Diagnosis | Should -Be 'Success' -Because $result.Message
            $result.HttpVersion | Should -BeExactly $Version
            Invoke-SaleschatMtlsRequest -Session $session -Method Get -Path '/v4/orgs/{orgId}/mtls/hello' | Should -BeExactly 'Hello, world!'
        }
        finally { $session.Dispose() }

        Sync-TestProxyLog $proxy
        (Get-TestProxyConnectCount $proxy $hostName) | Should -BeGreaterThan ($before + 1) -Because 'curl and the session each opened a tunnel'
        $log = Get-TestProxyLog $proxy
        $log | Should -BeLike "*CONNECT $($hostName):$($edges[$Edge].Port)*"
        $log | Should -Not -BeLike "*$apiKey*"
        $log | Should -Not -BeLike '*Bearer*'
        $log | Should -Not -BeLike '*/v4/orgs*' -Because 'the path travels inside the tunnel'
    }

    It 'takes the user and password from a -Proxy address and never shows them' {
        $proxy = $proxies.Squid
        $address = [uri]"http://$($proxyUser):$proxyPassword@127.0.0.1:$($proxy.Port)/"
        $session = New-ProxySession -Extra @{ Proxy = $address }
        try {
            (Test-SaleschatMtls -Session $session).Diagnosis | Should -Be 'Success'
            $session.Proxy | Should -BeExactly "$($proxy.Uri.AbsoluteUri) (-Proxy)"
            $shown = ($session | Out-String -Width 200) + ($session | Format-List * -Force | Out-String -Width 200) + $session.ToString()
            $shown | Should -BeLike "*Proxy*: $($proxy.Uri.AbsoluteUri) (-Proxy)*"
            $shown | Should -Not -BeLike "*$proxyPassword*"
            $shown | Should -Not -BeLike "*$($proxyUser):*"
        }
        finally { $session.Dispose() }
    }

    It 'shows "direct (-NoProxy)" in the view, and -NoProxy reaches the host without the proxy' {
        $session = New-ProxySession -Extra @{ NoProxy = $true }
        try {
            ($session | Out-String -Width 80) | Should -BeLike '*Proxy*: direct (-NoProxy)*'
            (Test-SaleschatMtls -Session $session).Diagnosis | Should -Be 'Success'
        }
        finally { $session.Dispose() }
    }
}

Describe 'the proxy from the environment (HTTPS_PROXY, ALL_PROXY, NO_PROXY), read once per process' -Tag 'CI', 'Slow', 'Edge' {
    It 'gives Success through <Proxy> from <Variable>' -TestCases @(
        @{ Proxy = 'Squid'; Variable = 'HTTPS_PROXY' }
        @{ Proxy = 'Tinyproxy'; Variable = 'https_proxy' }
        @{ Proxy = 'Squid'; Variable = 'ALL_PROXY' }
    ) {
        $proxy = $proxies[$Proxy]
        $before = Get-TestProxyConnectCount $proxy $hostName
        $result = Invoke-ProxyStep -Environment @{ $Variable = "http://$($proxyUser):$proxyPassword@127.0.0.1:$($proxy.Port)" }

        $result.Diagnosis | Should -Be 'Success' -Because $result.Message
        $result.Proxy | Should -BeLike "$($proxy.Uri.AbsoluteUri) (HTTPS_PROXY/ALL_PROXY*)"
        $result.Proxy | Should -Not -BeLike "*$proxyPassword*"
        Sync-TestProxyLog $proxy
        (Get-TestProxyConnectCount $proxy $hostName) | Should -BeGreaterThan $before
        Get-TestProxyLog $proxy | Should -Not -BeLike "*$apiKey*"
    }

    # Measured with .NET 10: a host and a ".suffix" are honoured; a bare suffix and "host:port" are not (the proxy is used).
    It 'goes <Expected> when NO_PROXY is <Form> (<NoProxy>)' -TestCases @(
        @{ Form = 'the host'; NoProxy = '{host}'; Expected = 'direct' }
        @{ Form = 'a .suffix'; NoProxy = '.test'; Expected = 'direct' }
        @{ Form = 'host:port, which .NET does not read'; NoProxy = '{host}:{port}'; Expected = 'through the proxy' }
    ) {
        $proxy = $proxies.Squid
        $before = Get-TestProxyConnectCount $proxy $hostName
        $bypass = $NoProxy.Replace('{host}', $hostName).Replace('{port}', [string]$edges.Http2.Port)
        $result = Invoke-ProxyStep -Environment @{ HTTPS_PROXY = "http://$($proxyUser):$proxyPassword@127.0.0.1:$($proxy.Port)"; NO_PROXY = $bypass }

        $result.Diagnosis | Should -Be 'Success' -Because $result.Message
        Sync-TestProxyLog $proxy
        if ($Expected -eq 'direct') {
            $result.Proxy | Should -BeExactly 'direct' -Because $result.Environment
            Get-TestProxyConnectCount $proxy $hostName | Should -Be $before -Because 'the proxy log shows no CONNECT for a bypassed host'
        }
        else {
            $result.Proxy | Should -BeLike "$($proxy.Uri.AbsoluteUri) (*"
            Get-TestProxyConnectCount $proxy $hostName | Should -BeGreaterThan $before
        }
    }

    It '-NoProxy wins over HTTPS_PROXY: the proxy log shows no CONNECT' {
        $proxy = $proxies.Squid
        $before = Get-TestProxyConnectCount $proxy $hostName
        $result = Invoke-ProxyStep -NoProxy -Environment @{ HTTPS_PROXY = "http://127.0.0.1:$($proxy.Port)" }

        $result.Diagnosis | Should -Be 'Success' -Because $result.Message
        $result.Proxy | Should -BeExactly 'direct (-NoProxy)'
        Sync-TestProxyLog $proxy
        Get-TestProxyConnectCount $proxy $hostName | Should -Be $before
    }

    It 'names a missing password in HTTPS_PROXY ProxyAuthenticationRequired' {
        $result = Invoke-ProxyStep -Environment @{ HTTPS_PROXY = "http://127.0.0.1:$($proxies.Squid.Port)" }

        $result.Diagnosis | Should -Be 'ProxyAuthenticationRequired'
        $result.Message | Should -BeLike '*HTTP 407*-ProxyCredential*'
    }
}

Describe 'what a proxy did is named in one line, in under 3 s, and never retried' -Tag 'CI', 'Slow', 'Edge' {
    BeforeAll {
        # Each case: the session's proxy settings, the host asked for, and how many CONNECTs one attempt costs in the
        # proxy's log: .NET first asks without credentials and answers the 407 challenge with them (two), and a 407 is
        # followed by one CONNECT without credentials that reads the proxy's Proxy-Authenticate (ProxyChallengeProbe).
        function Get-Case([string] $Name) {
            $squid = $proxies.Squid.Uri
            $tiny = $proxies.Tinyproxy.Uri
            switch ($Name) {
                'squid without credentials' { @{ Extra = @{ Proxy = $squid }; Log = $proxies.Squid; Connects = 2 } }
                'squid with a wrong password' { @{ Extra = @{ Proxy = $squid; ProxyCredential = Get-ProxyCredential $wrongPassword }; Log = $proxies.Squid; Connects = 3 } }
                'tinyproxy without credentials' { @{ Extra = @{ Proxy = $tiny }; Log = $proxies.Tinyproxy; Connects = 2 } }
                'tinyproxy with a wrong password (it answers 401)' { @{ Extra = @{ Proxy = $tiny; ProxyCredential = Get-ProxyCredential $wrongPassword }; Log = $proxies.Tinyproxy; Connects = 3 } }
                "squid's ACL refuses the host" { @{ Extra = @{ Proxy = $squid; ProxyCredential = Get-ProxyCredential }; HostName = 'refused.saleschat-proxy.test'; Log = $proxies.Squid; Connects = 1 } }
                'squid cannot resolve the host' { @{ Extra = @{ Proxy = $squid; ProxyCredential = Get-ProxyCredential }; HostName = 'no-such-host-' + [guid]::NewGuid().ToString('n').Substring(0, 8) + '.invalid'; Log = $proxies.Squid; Connects = 2 } }
                'nothing listens at the proxy' { @{ Extra = @{ Proxy = [uri]"http://127.0.0.1:$(Get-FreeTcpPort)/" } } }
                "the proxy's name does not resolve" { @{ Extra = @{ Proxy = [uri]'http://no-such-proxy.invalid:3128/' } } }
                'squid ssl_bump inspects TLS' { @{ Extra = @{ Proxy = $proxies.SquidBump.Uri }; Log = $proxies.SquidBump; Connects = 1 } }
            }
        }
        $timings = [Collections.Generic.List[string]]::new()
    }

    AfterAll { Write-Host ("Proxy diagnosis timings: " + ($timings -join '; ')) }

    It '<Name>: <Diagnosis>' -TestCases @(
        @{ Name = 'squid without credentials'; Diagnosis = 'ProxyAuthenticationRequired'; Message = '*wants credentials (HTTP 407; it asks for Basic realm="Saleschat test proxy")*-ProxyCredential*' }
        @{ Name = 'squid with a wrong password'; Diagnosis = 'ProxyAuthenticationRequired'; Message = '*refused the proxy credentials (HTTP 407; it asks for Basic realm="Saleschat test proxy")*' }
        @{ Name = 'tinyproxy without credentials'; Diagnosis = 'ProxyAuthenticationRequired'; Message = '*wants credentials (HTTP 407; it asks for Basic*' }
        @{ Name = 'tinyproxy with a wrong password (it answers 401)'; Diagnosis = 'ProxyAuthenticationRequired'; Message = '*refused the proxy credentials (HTTP 401; it asks for Basic*' }
        @{ Name = "squid's ACL refuses the host"; Diagnosis = 'ProxyRefused'; Message = '*refused to open a tunnel to refused.saleschat-proxy.test:*(HTTP 403)*' }
        @{ Name = 'squid cannot resolve the host'; Diagnosis = 'ProxyRefused'; Message = '*could not open a tunnel*(HTTP 5*' }
        @{ Name = 'nothing listens at the proxy'; Diagnosis = 'ProxyUnreachable'; Message = '*could not be reached (the connection was refused)*' }
        @{ Name = "the proxy's name does not resolve"; Diagnosis = 'ProxyUnreachable'; Message = '*no-such-proxy.invalid*could not be reached (its name could not be resolved)*' }
        @{ Name = 'squid ssl_bump inspects TLS'; Diagnosis = 'TlsInspectedByProxy'; Message = "*issued by 'CN=Saleschat test inspecting proxy CA, O=Inspecting Proxy Test'*bypass list*" }
    ) {
        $case = Get-Case $Name
        $hostArgument = if ($case.ContainsKey('HostName')) { $case.HostName } else { $hostName }
        $extra = $case.Extra + @{ MaximumRetryCount = 3; RetryIntervalSec = 1 }
        $session = New-ProxySession -Extra $extra -HostName $hostArgument
        try {
            $before = if ($case.Log) { Get-TestProxyConnectCount $case.Log $hostArgument } else { 0 }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $result = Test-SaleschatMtls -Session $session
            $clock.Stop()
            $timings.Add("$Name $($clock.ElapsedMilliseconds) ms")

            $result.Diagnosis | Should -Be $Diagnosis -Because $result.Message
            $result.Message | Should -BeLike $Message
            $result.Message | Should -Not -Match '[\r\n]'
            $result.Message | Should -Not -BeLike "*$proxyPassword*"
            $result.Message | Should -Not -BeLike "*$wrongPassword*"
            # Under 3 s on a quiet machine (measured: well under 1 s each); headroom for a loaded shared one.
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 4.5

            $records = Invoke-SaleschatMtlsRequest -Session $session -Method Get -Path '/v4/orgs/{orgId}/mtls/hello' -Verbose -ErrorVariable failure -ErrorAction SilentlyContinue 4>&1
            $failure | Should -HaveCount 1
            $failure[0].FullyQualifiedErrorId | Should -BeExactly "$Diagnosis,$requestCmdlet"
            $failure[0].Exception.Message | Should -Not -BeLike "*$wrongPassword*"
            $verbose = @($records | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
            @($verbose | Where-Object { $_ -like '*failed after*' }) | Should -HaveCount 1 -Because ($verbose -join "`n")
            @($verbose | Where-Object { $_ -like 'Retrying*' }) | Should -HaveCount 0
            if ($case.Log) {
                Sync-TestProxyLog $case.Log
                # Two calls (the test and the request), each one attempt: a retry would add CONNECTs.
                (Get-TestProxyConnectCount $case.Log $hostArgument) - $before | Should -Be (2 * $case.Connects)
            }
        }
        finally { $session.Dispose() }
    }

    It 'names TLS inspection by a proxy whose CA this machine trusts, instead of blaming the certificate upload' {
        # A corporate root pushed to every machine: here the session trusts squid's CA as the host's own, so the
        # handshake with squid passes; squid then meets nginx without the client certificate and relays nginx's 400
        # "No required SSL certificate was sent" page.
        $bumpCa = [Security.Cryptography.X509Certificates.X509Certificate2]::new($proxies.SquidBump.CaPath)
        $session = New-ProxySession -Extra @{ Proxy = $proxies.SquidBump.Uri; ServerCertificateAuthority = $bumpCa; MaximumRetryCount = 3; RetryIntervalSec = 1 }
        try {
            $result = Test-SaleschatMtls -Session $session
            $result.Diagnosis | Should -Be 'TlsInspectedByProxy' -Because $result.Message
            $result.StatusCode | Should -Be 400
            $result.Message | Should -BeLike "*received no client certificate*issued by 'CN=Saleschat test inspecting proxy CA, O=Inspecting Proxy Test'*bypass list*"
            $result.Message | Should -Not -BeLike '*Upload it*'
        }
        finally { $session.Dispose() }
        $uri = [uri]"https://$($hostName):$($edges.Http2.Port)/v4/orgs/org-1/mtls/hello"
        $curl = Invoke-ProxyCurl -Uri $uri -Proxy $proxies.SquidBump -Pair $pair -CaPath $proxies.SquidBump.CaPath -ApiKey $apiKey
        $curl.StatusCode | Should -Be 400
        $curl.Body | Should -BeLike '*No required SSL certificate was sent*'
    }

    It 'agrees with curl: 407 without credentials, 403 for the refused host, and an untrusted certificate behind ssl_bump' {
        $uri = [uri]"https://$($hostName):$($edges.Http2.Port)/v4/orgs/org-1/mtls/hello"
        (Invoke-ProxyCurl -Uri $uri -Proxy $proxies.Squid -Pair $pair -CaPath $authority.CertificatePath).Error | Should -BeLike '*CONNECT tunnel failed, response 407*'
        $refused = [uri]"https://refused.saleschat-proxy.test:$($edges.Http2.Port)/"
        (Invoke-ProxyCurl -Uri $refused -Proxy $proxies.Squid -Pair $pair -CaPath $authority.CertificatePath -ProxyUser "${proxyUser}:$proxyPassword").Error | Should -BeLike '*response 403*'
        (Invoke-ProxyCurl -Uri $uri -Proxy $proxies.SquidBump -Pair $pair -CaPath $authority.CertificatePath).ExitCode | Should -Be 60
    }
}

Describe 'proxy credentials never appear in any stream, view, error, transcript or $Error' -Tag 'CI', 'Slow', 'Edge' {
    It 'keeps -ProxyCredential, a user:password in -Proxy and one in HTTPS_PROXY out of everything a runbook records' {
        $script = Join-Path $TestDrive 'secret-step.ps1'
        Set-Content -LiteralPath $script -Value @'
param($BaseUri, $CaPath, $CertificatePath, $KeyPath, $ProxyPort, $Transcript)
$ErrorActionPreference = 'Continue'
$VerbosePreference = 'Continue'
$DebugPreference = 'Continue'
Start-Transcript -LiteralPath $Transcript | Out-Null
Import-Module Saleschat.Mtls
$ca = [Security.Cryptography.X509Certificates.X509Certificate2]::new($CaPath)
$common = @{ BaseUri = $BaseUri; OrgId = 'org-1'; CertificatePath = $CertificatePath; KeyPath = $KeyPath; ServerCertificateAuthority = $ca; NoDefault = $true; RetryIntervalSec = 0 }
$proxy = [uri]"http://127.0.0.1:$ProxyPort/"
$good = [pscredential]::new('alice', (ConvertTo-SecureString $env:TEST_PROXY_PASSWORD -AsPlainText -Force))
$bad = [pscredential]::new('alice', (ConvertTo-SecureString $env:TEST_WRONG_PASSWORD -AsPlainText -Force))
$inAddress = [uri]"http://alice:$($env:TEST_WRONG_PASSWORD)@127.0.0.1:$ProxyPort/"
$sessions = @(
    New-SaleschatSession @common -Proxy $proxy -ProxyCredential $good -Verbose
    New-SaleschatSession @common -Proxy $proxy -ProxyCredential $bad -Verbose
    New-SaleschatSession @common -Proxy $inAddress -Verbose
    New-SaleschatSession @common -Verbose   # HTTPS_PROXY, with the wrong password in it
)
foreach ($s in $sessions) {
    $s | Out-Host
    $s | Format-List * -Force | Out-Host
    $s.ToString() | Out-Host
    Test-SaleschatMtls -Session $s -Verbose | Format-List * -Force | Out-Host
    Invoke-SaleschatMtlsRequest -Session $s -Method Get -Path '/v4/orgs/{orgId}/mtls/hello' -Verbose
}
try { New-SaleschatSession @common -Proxy $inAddress -NoProxy -ErrorAction Stop } catch { $_ | Out-Host }
$Error | Format-List * -Force | Out-Host
foreach ($record in $Error) {
    for ($e = $record.Exception; $e; $e = $e.InnerException) { $e.ToString() | Out-Host; $e | Format-List * -Force | Out-Host }
    $record.TargetObject | Format-List * -Force | Out-Host
    $record.ErrorDetails | Out-Host
}
'ERRORS=' + (@($Error | ForEach-Object FullyQualifiedErrorId) -join ';')
Stop-Transcript | Out-Null
'@
        $transcript = Join-Path $TestDrive 'transcript.txt'
        $proxy = $proxies.Squid
        $environment = @{
            SALESCHAT_API_KEY   = $apiKey
            TEST_PROXY_PASSWORD = $proxyPassword
            TEST_WRONG_PASSWORD = $wrongPassword
            HTTPS_PROXY         = "http://$($proxyUser):$wrongPassword@127.0.0.1:$($proxy.Port)"
        }
        $arguments = @("https://$($hostName):$($edges.Http2.Port)/", $authority.CertificatePath, $pair.CertificatePath, $pair.KeyPath, [string]$proxy.Port, $transcript)

        $run = Invoke-TestPwsh -File $script -ArgumentList $arguments -Environment $environment -ModuleOnPath -TimeoutSec 120

        $recorded = $run.StdOut + $run.StdErr + [IO.File]::ReadAllText($transcript)
        $recorded | Should -BeLike '*VERBOSE:*'
        $errors = ($run.StdOut -split "`r?`n" | Where-Object { $_.StartsWith('ERRORS=') })
        $errors | Should -BeLike '*ProxyAuthenticationRequired,Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand*'
        $errors | Should -BeLike '*InvalidProxySetting,Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand*'
        $recorded | Should -BeLike '*Diagnosis*: Success*' -Because 'the session with the right credential works'
        $recorded | Should -Not -BeLike "*$apiKey*"
        $recorded | Should -Not -BeLike "*$proxyPassword*"
        $recorded | Should -Not -BeLike "*$wrongPassword*"
        $recorded | Should -Not -BeLike "*alice:*"
    }
}
