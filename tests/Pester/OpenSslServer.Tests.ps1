# A foreign TLS stack on the server side: OpenSSL's s_server, which speaks only HTTP/1.x and refuses an
# unverifiable client certificate with a real TLS alert (unlike Kestrel, which the emulator is built on).
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule

    function New-ClientPairIn([string] $Dir) {
        $null = New-Item -ItemType Directory -Path $Dir -Force
        $null = New-SaleschatClientKey -Path (Join-Path $Dir 'client.key') | New-SaleschatClientCertificate -Organization Acme -Path (Join-Path $Dir 'client.crt')
    }

    function Test-AgainstServer([string] $Dir, $Server) {
        $ca = [Security.Cryptography.X509Certificates.X509Certificate2]::new($Server.CertificatePath)
        $session = New-SaleschatSession -BaseUri $Server.BaseUri -OrgId org-1 -CertificatePath (Join-Path $Dir 'client.crt') -KeyPath (Join-Path $Dir 'client.key') -ServerCertificateAuthority $ca -NoDefault
        Test-SaleschatMtls -Session $session
    }
}

Describe 'Test-SaleschatMtls against openssl s_server' -Tag 'CI', 'Slow' {
    It 'passes the hello test over HTTP/1.1 with our certificate' {
        $dir = Join-Path $TestDrive 'trusted'
        New-ClientPairIn $dir
        $server = Start-OpenSslServer -Folder $dir -ClientCaFile (Join-Path $dir 'client.crt') -ReturnVerifyError
        try { $result = Test-AgainstServer $dir $server }
        finally { $output = Stop-TestServer $server -PassThru }

        $result.Success | Should -BeTrue -Because "$result`n$output"
        $result.Body | Should -BeExactly 'Hello, world!'
        # We ask for HTTP/2; s_server offers no h2 in ALPN, so the request went as HTTP/1.1 and the answer
        # carries the status line of the served file ("HTTP/1.0 200 ok").
        $result.HttpVersion | Should -BeExactly 'HTTP/1.0'
        $output | Should -BeLike '*verify return:1*'   # s_server verified the certificate we presented
        $output | Should -BeLike '*FILE:v4/orgs/org-1/mtls/hello*'
    }

    It 'diagnoses a certificate the server does not trust as ClientCertificateRefused from the <Protocol> alert' -TestCases @(
        @{ Protocol = 'TLS 1.3'; Extra = @() }
        @{ Protocol = 'TLS 1.2'; Extra = @('-tls1_2') }
    ) {
        $dir = Join-Path $TestDrive ($Protocol -replace '\W', '')
        New-ClientPairIn $dir
        $made = & openssl req -x509 -newkey rsa:2048 -nodes -keyout (Join-Path $dir 'other.key') -out (Join-Path $dir 'other.crt') -days 2 -subj '/CN=Someone else' 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$made"
        # TLS 1.3 sends the alert after the client's handshake is done (it surfaces on the first read); TLS 1.2 sends
        # it inside the handshake. .NET reports the two through different exception chains.
        $server = Start-OpenSslServer -Folder $dir -ClientCaFile (Join-Path $dir 'other.crt') -ReturnVerifyError -ExtraArgument $Extra
        # Default retry settings: a refusal must not be retried as if it were a dropped connection.
        try { $result = Test-AgainstServer $dir $server }
        finally { $output = Stop-TestServer $server -PassThru }

        $result.Success | Should -BeFalse
        $result.Diagnosis.ToString() | Should -BeExactly 'ClientCertificateRefused'
        $result.Message | Should -BeLike '*alert unknown ca*'
        $result.Message | Should -BeLike '*Settings > mTLS*'
        $result.Elapsed.TotalSeconds | Should -BeLessThan 3 -Because 'a refusal is final: no retries, no backoff'
        $output | Should -BeLike '*verify error*'
    }
}
