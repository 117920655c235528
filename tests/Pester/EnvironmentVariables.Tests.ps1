# CI pipelines (GitHub Actions, Azure DevOps) hand secrets over as environment variables and nobody can answer a
# prompt: New-SaleschatSession must find everything there, and say clearly what is missing when it cannot. Each case
# runs in a child `pwsh -File` with only the variables a CI step would set.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    $cmdlet = 'Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand'
    $unset = @{ SALESCHAT_API_KEY = $null; SALESCHAT_ORG_ID = $null; SALESCHAT_CLIENT_CERT = $null; SALESCHAT_CLIENT_KEY = $null }
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'New-SaleschatSession from environment variables' -Tag 'CI', 'Slow' {
    It 'needs no parameters for the key, org, certificate and private key when they are in the environment' {
        $keyPem = [IO.File]::ReadAllText($pair.KeyPath)
        $script = Join-Path $TestDrive 'ci-step.ps1'
        Set-Content -LiteralPath $script -Value @'
param($BaseUri, $CaPath, $Phone)
Import-Module Saleschat.Mtls
$ca = [Security.Cryptography.X509Certificates.X509Certificate2]::new($CaPath)
$s = New-SaleschatSession -BaseUri $BaseUri -ServerCertificateAuthority $ca -NoDefault -Verbose
$s | Out-Default
$test = Test-SaleschatMtls -Session $s -Verbose
$contact = Invoke-SaleschatMtlsRequest -Session $s -Method Post '/v2/org/{orgId}/contact' -Body @{ name = 'CI'; phone = $Phone } -Verbose
$test | Out-Default
$contact | Out-Default
'RESULT=' + (@{ Errors = @($Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" }); Success = $test.Success; Thumbprint = $test.Thumbprint; OrgId = $contact.orgId } | ConvertTo-Json -Compress)
'@
        $environment = @{
            SALESCHAT_API_KEY     = Get-TestApiKeyText
            SALESCHAT_ORG_ID      = 'org-1'
            SALESCHAT_CLIENT_CERT = [IO.File]::ReadAllText($pair.CertificatePath)
            # one line, as secret stores like it
            SALESCHAT_CLIENT_KEY  = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($keyPem))
        }

        $run = Invoke-TestPwsh -File $script -ArgumentList $emulator.BaseUri, $emulator.CaPath, (New-TestPhone) -Environment $environment -ModuleOnPath

        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $line = ($run.StdOut -split "`r?`n") | Where-Object { $_.StartsWith('RESULT=') }
        $line | Should -HaveCount 1 -Because $run.StdOut
        $result = $line.Substring(7) | ConvertFrom-Json
        $result.Errors | Should -BeNullOrEmpty
        $result.Success | Should -BeTrue
        $result.Thumbprint | Should -BeExactly $pair.Certificate.Thumbprint
        $result.OrgId | Should -BeExactly 'org-1'   # the org from SALESCHAT_ORG_ID; the key from SALESCHAT_API_KEY was accepted
        $visible = $run.StdOut + $run.StdErr
        $visible | Should -BeLike '*VERBOSE:*'
        $visible | Should -Not -BeLike "*$(Get-TestApiKeyText)*"
        Test-ContainsKeyMaterial -Text $visible -KeyPem $keyPem | Should -BeFalse
    }

    It 'lists every way to give a certificate when there is none anywhere (ClientCertificateRequired)' {
        $run = Invoke-TestPwsh -ModuleOnPath -Environment $unset -Command @"
Import-Module Saleschat.Mtls
`$output = @()
try { `$output = @(New-SaleschatSession -BaseUri '$($emulator.BaseUri)' -NoDefault -ErrorAction Stop) }
catch { 'ID=' + `$_.FullyQualifiedErrorId; 'CATEGORY=' + `$_.CategoryInfo.Category; 'MESSAGE=' + `$_.Exception.Message }
'OUTPUT=' + `$output.Count
"@
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $lines = $run.StdOut -split "`r?`n"
        $lines | Should -Contain "ID=ClientCertificateRequired,$cmdlet"
        $lines | Should -Contain 'CATEGORY=InvalidArgument'
        $message = $lines | Where-Object { $_.StartsWith('MESSAGE=') }
        $message | Should -BeLike '*SALESCHAT_CLIENT_CERT*'
        $message | Should -BeLike '*-CertificatePath*'
        $lines | Should -Contain 'OUTPUT=0'
    }
}
