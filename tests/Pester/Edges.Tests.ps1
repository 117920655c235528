# Diagnosis that is right on the edges Saleschat-like hosts really run: Debian's nginx and haproxy, started
# from tests/Edges/ with the allowed set = the uploaded certificates as trust anchors. Every case runs on every edge,
# with several fresh sessions (TLS 1.3 refuses late, so what a client sees is a race), and curl must agree.
BeforeDiscovery {
    $script:EdgeKinds = 'NginxVerifyOn', 'NginxVerifyOnHttp1', 'NginxOptionalNoCa', 'NginxApiKey', 'HaproxyTls13', 'HaproxyTls12'

    # What each case is on each edge: the diagnosis, and the HTTP status the edge answers with (0: none, a TLS refusal).
    function Get-EdgeExpectation([string] $Kind, [string] $Case) {
        $nginx = $Kind -like 'Nginx*'
        switch ($Case) {
            'registered' { 'Success', 200 }
            'unregistered' { 'ClientCertificateRefused', $(if ($Kind -eq 'NginxOptionalNoCa') { 403 } elseif ($nginx) { 400 } else { 0 }) }
            # optional_no_ca excuses an unknown CA, not an expired certificate: nginx answers its 400 page for that too.
            'expired' { 'ClientCertificateExpired', $(if ($nginx) { 400 } else { 0 }) }
            'wrong key' { $(if ($Kind -eq 'NginxApiKey') { 'ApiKeyRejected', 401 } else { 'Success', 200 }) }
            'no key' { $(if ($Kind -eq 'NginxApiKey') { 'ApiKeyRejected', 401 } else { 'Success', 200 }) }
            'wrong org' { 'WrongOrganization', 403 }
            'no CA' { 'ServerCertificateUntrusted', 0 }
            'wrong name' { 'ServerNameMismatch', 0 }
        }
    }

    $script:Matrix = foreach ($kind in $EdgeKinds) {
        foreach ($case in 'registered', 'unregistered', 'expired', 'wrong key', 'no key', 'wrong org', 'no CA', 'wrong name') {
            $diagnosis, $status = Get-EdgeExpectation $kind $case
            @{ Kind = $kind; Case = $case; Diagnosis = $diagnosis; Status = $status }
        }
    }
}

BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    # 'no key' means no key at all: a session would otherwise take SALESCHAT_API_KEY.
    $savedApiKey = $env:SALESCHAT_API_KEY
    $env:SALESCHAT_API_KEY = $null
    # Its Loaded certificates are read once with their keys (about 100 ms each from files): every session below still
    # gets its own connection pool, so each one makes fresh TLS handshakes, which is what the TLS 1.3 race needs.
    $fixture = New-TestEdgeFixture -Folder (Join-Path $TestDrive 'edges')
    $edges = @{}
    foreach ($kind in 'NginxVerifyOn', 'NginxVerifyOnHttp1', 'NginxOptionalNoCa', 'NginxApiKey', 'HaproxyTls13', 'HaproxyTls12') {
        $edges[$kind] = Start-TestEdge -Kind $kind -Authority $fixture.Authority -Allowed $fixture.Registered.CertificatePath, $fixture.Expired.CertificatePath
    }
    $cmdlet = 'Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'
    $sessionsPerCase = 3

    # The session a user would make for the case: the edge's host (by a name its certificate does not carry for
    # 'wrong name'), its CA unless 'no CA', and the session's default retry settings (so a retry would show in the time).
    function New-CaseSession([string] $Kind, [string] $Case) {
        $edge = $edges[$Kind]
        $certificate = switch ($Case) { 'unregistered' { $fixture.Loaded.unregistered } 'expired' { $fixture.Loaded.expired } default { $fixture.Loaded.registered } }
        $parameters = @{
            BaseUri         = $(if ($Case -eq 'wrong name') { [uri]"https://localhost:$($edge.Port)/" } else { $edge.BaseUri })
            OrgId           = $(if ($Case -eq 'wrong org') { 'org-other' } else { $edge.OrgId })
            Certificate     = $certificate
            NoDefault       = $true
            WarningAction   = 'SilentlyContinue'
        }
        if ($Case -ne 'no key') { $parameters.ApiKey = Get-TestApiKey $(if ($Case -eq 'wrong key') { 'sk_wrong_key_for_this_edge' } else { $edge.ApiKey }) }
        if ($Case -ne 'no CA') { $parameters.ServerCertificateAuthority = $fixture.Authority.Certificate }
        New-SaleschatSession @parameters
    }

    # No .NET type names, "disposed object" or stack fragments: those belong in -Verbose and the inner exception.
    function Assert-HumanLine([string] $Message) {
        $Message | Should -Not -BeNullOrEmpty
        $Message | Should -Not -Match '[\r\n]'
        $Message | Should -Not -Match 'System\.|Interop\+|Exception|disposed object|SSL_ERROR|OpenSSL error|error:0A|\bat [A-Z]\w+\.'
    }

    $phrase = @{
        Success                    = 'mTLS works'
        ClientCertificateRefused   = 'refused the client certificate.*Upload it'
        ClientCertificateExpired   = 'refused the client certificate, which expired on .*rotate'
        ApiKeyRejected             = 'accepted the client certificate but (rejected the API key|wants an API key).*-ApiKey'
        WrongOrganization          = 'refused the org.*-OrgId'
        ServerCertificateUntrusted = 'not trusted.*-ServerCertificateAuthority'
        ServerNameMismatch         = 'not for the name localhost.*-BaseUri'
    }
    $invokeError = @{
        ClientCertificateRefused   = 'ServerRefusedClientCertificate'
        ClientCertificateExpired   = 'CertificateExpired'
        ApiKeyRejected             = 'ApiKeyRejected'
        WrongOrganization          = 'SaleschatApiError'
        ServerCertificateUntrusted = 'ServerCertificateUntrusted'
        ServerNameMismatch         = 'ServerNameMismatch'
    }
    $curlVerdict = @{
        Success                    = 'Success'
        ClientCertificateRefused   = 'Refused'
        ClientCertificateExpired   = 'Refused'
        ApiKeyRejected             = 'ApiKeyRejected'
        WrongOrganization          = 'WrongOrganization'
        ServerCertificateUntrusted = 'ServerCertificateUntrusted'
        ServerNameMismatch         = 'ServerNameMismatch'
    }
}

AfterAll {
    if ($edges) { $edges.Values | Stop-TestServer }
    $env:SALESCHAT_API_KEY = $savedApiKey
}

Describe 'Test-SaleschatMtls on real edges' -Tag 'CI', 'Edge' {
    It '<Kind>, <Case>: <Diagnosis> in every fresh session, quickly, in one human line' -ForEach $Matrix {
        for ($i = 0; $i -lt $sessionsPerCase; $i++) {
            $session = New-CaseSession $Kind $Case
            try { $result = Test-SaleschatMtls -Session $session } finally { $session.Dispose() }
            $result.Diagnosis | Should -Be $Diagnosis -Because "session $($i + 1) of $sessionsPerCase said: $($result.Message)"
            $result.Elapsed.TotalSeconds | Should -BeLessThan 3
            Assert-HumanLine $result.Message
            $result.Message | Should -Match $phrase[$Diagnosis]
            if ($Status) { $result.StatusCode | Should -Be $Status }
        }
    }
}

Describe 'Invoke-SaleschatMtlsRequest through real edges' -Tag 'CI', 'Edge' {
    It '<Kind>, <Case>: one error naming the cause, not retried' -ForEach $Matrix {
        for ($i = 0; $i -lt $sessionsPerCase; $i++) {
            $session = New-CaseSession $Kind $Case
            $watch = [Diagnostics.Stopwatch]::StartNew()
            try {
                $output = Invoke-SaleschatMtlsRequest -Session $session '/v4/orgs/{orgId}/mtls/hello' -Verbose -ErrorVariable failures -ErrorAction SilentlyContinue 4>&1
            }
            finally { $session.Dispose() }
            $watch.Stop()
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            if ($Diagnosis -eq 'Success') {
                $failures | Should -BeNullOrEmpty
                @($output | Where-Object { $_ -is [string] }) | Should -Be 'Hello, world!'
                continue
            }

            $failures | Should -HaveCount 1
            $failure = $failures[0]
            $failure.FullyQualifiedErrorId | Should -Be "$($invokeError[$Diagnosis]),$cmdlet" -Because $failure.Exception.Message
            $expectedCategory = if ($Status -eq 403) { 'PermissionDenied' } else { 'SecurityError' }
            $failure.CategoryInfo.Category | Should -Be $expectedCategory
            Assert-HumanLine $failure.Exception.Message
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
            ($verbose | Where-Object Message -Match 'Retrying') | Should -BeNullOrEmpty
            if ($Status) {
                # The edge's answer stays at hand: the status in the message, the body in ErrorDetails.
                $failure.Exception.Message | Should -Match "\b$Status\b"
                $failure.ErrorDetails.Message | Should -Match "\b$Status\b"
                $failure.Exception.Response.Body | Should -Not -BeNullOrEmpty
                $failure.ErrorDetails.Message | Should -BeLike "*$($failure.Exception.Response.Body.Trim().Split("`n")[0].Trim())*"
            }
        }
    }
}

Describe 'curl agrees with the verdict' -Tag 'CI', 'Edge' {
    It '<Kind>, <Case>: curl sees <Diagnosis> too' -ForEach $Matrix {
        $edge = $edges[$Kind]
        $pair = switch ($Case) { 'unregistered' { $fixture.Unregistered } 'expired' { $fixture.Expired } default { $fixture.Registered } }
        $curl = @{
            Edge     = $edge
            Pair     = $pair
            ApiKey   = $(if ($Case -eq 'wrong key') { 'sk_wrong_key_for_this_edge' } elseif ($Case -eq 'no key') { '' } else { $edge.ApiKey })
            OrgId    = $(if ($Case -eq 'wrong org') { 'org-other' } else { $edge.OrgId })
            NoCa     = $Case -eq 'no CA'
            HostName = $(if ($Case -eq 'wrong name') { 'localhost' } else { '127.0.0.1' })
        }
        $seen = Invoke-EdgeCurl @curl
        $seen.Verdict | Should -Be $curlVerdict[$Diagnosis] -Because "curl exit $($seen.ExitCode), HTTP $($seen.StatusCode): $($seen.Error)"
        if ($Status -and $Diagnosis -ne 'Success') { $seen.StatusCode | Should -Be $Status }
    }
}

Describe 'Certificate rotation on a real nginx' -Tag 'CI', 'Edge' {
    BeforeAll {
        $folder = Join-Path $TestDrive 'rotation'
        $current = New-TestClientPair -Folder $folder -Name 'saleschat-client'
        $nginx = Start-TestEdge -Kind NginxApiKey -Authority $fixture.Authority -Allowed $current.CertificatePath
        $rotationSession = New-SaleschatSession -BaseUri $nginx.BaseUri -OrgId $nginx.OrgId -ApiKey (Get-TestApiKey $nginx.ApiKey) `
            -CertificatePath $current.CertificatePath -KeyPath $current.KeyPath -ServerCertificateAuthority $fixture.Authority.Certificate -NoDefault
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $current.CertificatePath -KeyPath $current.KeyPath
    }

    AfterAll {
        if ($rotationSession) { $rotationSession.Dispose() }
        Stop-TestServer $nginx
    }

    It 'refuses a next certificate nginx does not accept yet, saying it was refused, and moves nothing' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        { Complete-SaleschatCertificateRotation -Session $rotationSession -CertificatePath $current.CertificatePath -KeyPath $current.KeyPath -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'NextCertificateNotAccepted,Saleschat.Mtls.Cmdlets.CompleteSaleschatCertificateRotationCommand' -ExpectedMessage '*ClientCertificateRefused*The SSL certificate error*'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
        (Get-SaleschatClientCertificate -Path $current.CertificatePath).Thumbprint | Should -Be $current.Certificate.Thumbprint
        $rotationSession.Thumbprint | Should -Be $current.Certificate.Thumbprint
    }

    It 'promotes it once nginx reloads with it in the allowed set, through a host that checks the API key' {
        Update-TestEdgeAllowed -Edge $nginx -Allowed $current.CertificatePath, $rotation.NextCertificatePath
        $done = Complete-SaleschatCertificateRotation -Session $rotationSession -CertificatePath $current.CertificatePath -KeyPath $current.KeyPath -Confirm:$false
        $done.CurrentCertificate.Thumbprint | Should -Be $rotation.NextCertificate.Thumbprint
        $rotationSession.Thumbprint | Should -Be $rotation.NextCertificate.Thumbprint
        (Test-SaleschatMtls -Session $rotationSession).Diagnosis | Should -Be 'Success'
    }
}
