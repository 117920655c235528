# A 403 to the hello call from an application behind nginx `ssl_verify_client optional_no_ca` (every handshake
# completes; the application refuses the certificate itself, with its own code): when its code or words name the
# certificate it is ClientCertificateRefused, and the server's own words are in the message either way. Real nginx
# answers; curl sees the same 403 and body.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $fixture = New-TestEdgeFixture -Folder (Join-Path $TestDrive 'edge')
    $edge = Start-TestEdge -Kind NginxOptionalNoCa -Authority $fixture.Authority -Allowed $fixture.Registered.CertificatePath

    # The edge answers a certificate it did not verify with 403 and this JSON body, as an application behind
    # `ssl_verify_client optional_no_ca` does; nginx is reloaded before the next connection.
    function Set-TestEdgeForbiddenBody([string] $Body) {
        $text = [IO.File]::ReadAllText($edge.ConfigPath)
        $text = [regex]::Replace($text, "return 403( '[^']*')?;(\s*\})", { param($m) "return 403 '$Body';" + $m.Groups[2].Value }, 'None')
        if ($text -notmatch 'default_type application/json; # forbidden body') {
            $text = $text.Replace('ssl_verify_depth 1;', "ssl_verify_depth 1;`n        default_type application/json; # forbidden body")
        }
        [IO.File]::WriteAllText($edge.ConfigPath, $text)
        Invoke-TestEdgeReload -Edge $edge
    }

    function Test-Hello($Pair) {
        $session = New-SaleschatSession -BaseUri $edge.BaseUri -OrgId $edge.OrgId -ApiKey (Get-TestApiKey) -CertificatePath $Pair.CertificatePath -KeyPath $Pair.KeyPath -ServerCertificateAuthority $edge.CaCertificate -NoDefault -MaximumRetryCount 0
        Test-SaleschatMtls -Session $session
    }
}

AfterAll { Stop-TestServer $edge }

Describe 'A hello 403 whose words name the certificate, on real nginx (optional_no_ca)' -Tag 'CI', 'Edge' {
    It '<Body> is <Diagnosis>, with the server''s words in the message' -TestCases @(
        @{ Body = '{"code":4030009,"message":"CLIENT_CERTIFICATE_NOT_REGISTERED"}'; Diagnosis = 'ClientCertificateRefused'; Words = '4030009 CLIENT_CERTIFICATE_NOT_REGISTERED' }
        @{ Body = '{"error":{"code":4030012,"message":"FORBIDDEN","description":"client cert unknown"}}'; Diagnosis = 'ClientCertificateRefused'; Words = '4030012 FORBIDDEN: client cert unknown' }
        @{ Body = '{"code":4030077,"message":"IP_NOT_ALLOWED"}'; Diagnosis = 'UnexpectedResponse'; Words = '4030077 IP_NOT_ALLOWED' }
    ) {
        Set-TestEdgeForbiddenBody $Body

        $curl = Invoke-EdgeCurl -Edge $edge -Pair $fixture.Unregistered
        $curl.StatusCode | Should -Be 403 -Because $curl.Error
        $curl.Body | Should -BeExactly $Body

        $result = Test-Hello $fixture.Unregistered
        $result.Diagnosis.ToString() | Should -BeExactly $Diagnosis -Because $result.Message
        $result.StatusCode | Should -Be 403
        $result.Message | Should -BeLike "*$Words*"
        if ($Diagnosis -eq 'ClientCertificateRefused') { $result.Message | Should -BeLike '*Settings > mTLS*' }
    }

    It 'still says Success for the registered certificate' {
        (Test-Hello $fixture.Registered).Diagnosis.ToString() | Should -BeExactly 'Success'
    }
}
