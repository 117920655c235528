# A 403 to the hello call from an application behind nginx `ssl_verify_client optional_no_ca` (every handshake
# completes; the application refuses the certificate itself, with its own code): when its code or words name the
# certificate it is ClientCertificateRefused, and the server's own words are in the message either way. Real nginx
# answers; curl sees the same 403 and body.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Helpers', 'Hardening.psm1')) -Force
    Import-TestedModule
    $root = Join-Path $TestDrive 'edge'
    $authority = New-TestEdgeAuthority -Folder (Join-Path $root 'ca')
    $registered = New-TestClientPair -Folder (Join-Path $root 'registered') -Name registered
    $unregistered = New-TestClientPair -Folder (Join-Path $root 'unregistered') -Name unregistered
    $edge = Start-TestEdge -Kind NginxOptionalNoCa -Authority $authority -Allowed $registered.CertificatePath

    function Test-Hello($Pair) {
        $session = New-SaleschatSession -BaseUri $edge.BaseUri -OrgId $edge.OrgId -ApiKey (Get-TestApiKey) -CertificatePath $Pair.CertificatePath -KeyPath $Pair.KeyPath -ServerCertificateAuthority $edge.CaCertificate -NoDefault -MaximumRetryCount 0
        Test-SaleschatMtls -Session $session
    }
}

AfterAll { Stop-TestEdge $edge }

Describe 'A hello 403 whose words name the certificate, on real nginx (optional_no_ca)' -Tag 'CI', 'Edge' {
    It '<Body> is <Diagnosis>, with the server''s words in the message' -TestCases @(
        @{ Body = '{"code":4030009,"message":"CLIENT_CERTIFICATE_NOT_REGISTERED"}'; Diagnosis = 'ClientCertificateRefused'; Words = '4030009 CLIENT_CERTIFICATE_NOT_REGISTERED' }
        @{ Body = '{"error":{"code":4030012,"message":"FORBIDDEN","description":"client cert unknown"}}'; Diagnosis = 'ClientCertificateRefused'; Words = '4030012 FORBIDDEN: client cert unknown' }
        @{ Body = '{"code":4030077,"message":"IP_NOT_ALLOWED"}'; Diagnosis = 'UnexpectedResponse'; Words = '4030077 IP_NOT_ALLOWED' }
    ) {
        Set-TestEdgeForbiddenBody -Edge $edge -Body $Body

        $curl = Invoke-EdgeCurl -Edge $edge -Pair $unregistered
        $curl.StatusCode | Should -Be 403 -Because $curl.Error
        $curl.Body | Should -BeExactly $Body

        $result = Test-Hello $unregistered
        $result.Diagnosis.ToString() | Should -BeExactly $Diagnosis -Because $result.Message
        $result.StatusCode | Should -Be 403
        $result.Message | Should -BeLike "*$Words*"
        if ($Diagnosis -eq 'ClientCertificateRefused') { $result.Message | Should -BeLike '*Settings > mTLS*' }
    }

    It 'still says Success for the registered certificate' {
        (Test-Hello $registered).Diagnosis.ToString() | Should -BeExactly 'Success'
    }
}
