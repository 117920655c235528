# The org id cannot steer a request to another API path: it is checked when the session is made (-OrgId or
# SALESCHAT_ORG_ID), and a capture server proves a refused session sends nothing. Ids Saleschat could issue (digits,
# letters, UUIDs, slugs with . _ ~ -) still work end to end.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $newSession = 'Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand'
    $generousId = 'Acme.EU_2~x-1'
    $emulator = Start-TestEmulator -OrgId @((Get-TestOrgId), $generousId)
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    $savedOrgId = $env:SALESCHAT_ORG_ID
}

AfterAll {
    $env:SALESCHAT_ORG_ID = $savedOrgId
    Stop-TestEmulator $emulator
}

Describe 'The org id is validated when the session is made' -Tag 'CI' {
    BeforeEach {
        $capture = Start-CaptureServer
        $target = @{
            BaseUri          = "https://127.0.0.1:$($capture.Port)/"
            ApiKey           = Get-TestApiKey
            CertificatePath  = $pair.CertificatePath
            KeyPath          = $pair.KeyPath
            NoDefault        = $true
        }
    }
    AfterEach {
        $env:SALESCHAT_ORG_ID = $savedOrgId
        $capture.Dispose()
    }

    It 'refuses SALESCHAT_ORG_ID=<Shown> with InvalidOrgId, and nothing reaches the server' -TestCases @(
        @{ Shown = "'..'"; Value = '..' }
        @{ Shown = "'.'"; Value = '.' }
        @{ Shown = "'../v1'"; Value = '../v1' }
        @{ Shown = "'a/b'"; Value = 'a/b' }
        @{ Shown = "'a\b'"; Value = 'a\b' }
        @{ Shown = "'%2e%2e'"; Value = '%2e%2e' }
    ) {
        $env:SALESCHAT_ORG_ID = $Value
        $target.Remove('NoDefault')   # as a runbook makes it: the default session, which the next call would use
        $output = [Collections.Generic.List[object]]::new()
        $failure = { New-SaleschatSession @target -ErrorAction Stop | ForEach-Object { $output.Add($_) } } |
            Should -Throw -ErrorId "InvalidOrgId,$newSession" -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.TargetObject | Should -BeExactly $Value
        $failure.Exception.Message | Should -BeLike '*SALESCHAT_ORG_ID*'
        $output | Should -HaveCount 0

        # The request the issue saw go to DELETE /v2/contact/42: with no session, it cannot be sent at all.
        { Invoke-SaleschatMtlsRequest -Method Delete '/v2/org/{orgId}/contact/42' -MaximumRetryCount 0 -TimeoutSec 5 -ErrorAction Stop } |
            Should -Throw -ErrorId 'NoSaleschatSession,Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'
        $capture.Connections | Should -Be 0 -Because 'a refused org id sends nothing'
    }

    It 'refuses -OrgId <Shown> with InvalidOrgId' -TestCases @(
        @{ Shown = "'..'"; Value = '..' }
        @{ Shown = "'a?b'"; Value = 'a?b' }
        @{ Shown = "'a#b'"; Value = 'a#b' }
        @{ Shown = "'a b'"; Value = 'a b' }
        @{ Shown = 'a space'; Value = ' ' }
        @{ Shown = 'a tab'; Value = "a`tb" }
        @{ Shown = 'a line feed'; Value = "a`nb" }
        @{ Shown = 'an escape'; Value = "a$([char]27)[2J" }
    ) {
        $failure = { New-SaleschatSession @target -OrgId $Value -ErrorAction Stop } | Should -Throw -ErrorId "InvalidOrgId,$newSession" -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.TargetObject | Should -BeExactly $Value
        $failure.Exception.Message | Should -Not -Match '[\x00-\x08\x0A-\x1F]'
        $capture.Connections | Should -Be 0
    }
}

Describe 'Org ids Saleschat could issue work end to end' -Tag 'CI' {
    It 'says Success for <OrgId> and sends it as one path segment' -TestCases @(
        @{ OrgId = 'org-1' }
        @{ OrgId = 'Acme.EU_2~x-1' }
    ) {
        $session = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId $OrgId -ApiKey (Get-TestApiKey) -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ServerCertificateAuthority $emulator.CaCertificate -NoDefault
        $result = Test-SaleschatMtls -Session $session
        $result.Diagnosis.ToString() | Should -BeExactly 'Success' -Because $result.Message
        $result.Uri.AbsolutePath | Should -BeExactly "/v4/orgs/$OrgId/mtls/hello"
    }
}
