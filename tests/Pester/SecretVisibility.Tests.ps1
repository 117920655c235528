# With passwords given, nothing a user can see holds the password text or the private key: the output as the format
# views render it, every stream (-Verbose, debug, information, warnings, errors with their exceptions and
# Get-Error's detail) and a transcript. Each scenario runs in a child `pwsh -File`, as a runbook would, and the whole
# of its stdout, stderr and transcript is scanned.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $password = 'Sup3r-Secret-Pw!'
    $wrongPassword = 'Wr0ng-Secret-Pw?'

    # The script around each scenario: a transcript, every stream shown, the secrets read from the environment
    # (never from the command line), and the ids of every error at the end.
    $prologue = @'
param([string] $Manifest, [string] $Transcript, [string] $Dir)
$null = Start-Transcript -LiteralPath $Transcript
$DebugPreference = 'Continue'; $InformationPreference = 'Continue'; $WarningPreference = 'Continue'
Import-Module $Manifest
$pw = if ($env:TEST_PASSWORD) { ConvertTo-SecureString $env:TEST_PASSWORD -AsPlainText -Force }
$wrong = if ($env:TEST_WRONG_PASSWORD) { ConvertTo-SecureString $env:TEST_WRONG_PASSWORD -AsPlainText -Force }
$bundle = $env:TEST_BUNDLE
foreach ($name in 'TEST_PASSWORD', 'TEST_WRONG_PASSWORD', 'TEST_BUNDLE') { [Environment]::SetEnvironmentVariable($name, $null) }
$key = Join-Path $Dir 'c.key'; $cert = Join-Path $Dir 'c.crt'; $pfx = Join-Path $Dir 'c.pfx'; $pem = Join-Path $Dir 'upload.crt'; $legacy = Join-Path $Dir 'legacy.key'
'@
    $epilogue = @'

$Error | Out-Default
$Error | ForEach-Object { $_.Exception.ToString(); $_.Exception.InnerException; $_.ScriptStackTrace; $_.ErrorDetails } | Out-Default
if ($Error.Count) { $Error | Get-Error | Out-Default }
"ERRORIDS=" + (@($Error | ForEach-Object FullyQualifiedErrorId | Sort-Object) -join ';')
$null = Stop-Transcript
'@

    # Runs one scenario in a child pwsh; returns the run and everything a user could have seen.
    function Invoke-Scenario([string] $Dir, [string] $Body, [hashtable] $Environment) {
        $file = Join-Path $Dir 'scenario.ps1'
        $transcript = Join-Path $Dir 'transcript.txt'
        [IO.File]::WriteAllText($file, $prologue + "`n" + $Body + "`n" + $epilogue)
        $run = Invoke-TestPwsh -File $file -ArgumentList (Get-TestModuleManifest), $transcript, $Dir -Environment $Environment -WorkingDirectory $Dir -TimeoutSec 300
        $run.TimedOut | Should -BeFalse
        $transcript | Should -Exist
        $visible = $run.StdOut + "`n" + $run.StdErr + "`n" + [IO.File]::ReadAllText($transcript)
        $ids = @(($run.StdOut -split "`r?`n" | Where-Object { $_.StartsWith('ERRORIDS=') } | Select-Object -Last 1).Substring(9).Split(';', [StringSplitOptions]::RemoveEmptyEntries))
        # Reading every property of an X509Certificate2 in pwsh on Linux runs PowerShell's own certificate script
        # properties (DnsNameList, EnhancedKeyUsageList, SendAsTrustedIssuer), whose types exist only on Windows; the
        # scenario catches those itself. Every other error counts.
        $ids = @($ids | Where-Object { $_ -notlike 'TypeNotFound*' })
        [pscustomobject]@{ Run = $run; Visible = $visible; ErrorIds = $ids }
    }

    # The key as plain PKCS#8 and PKCS#1 (and as the file holds it), so a leak in any encoding is caught.
    function Get-PlainKeyForms([string] $Dir, [string] $KeyPath) {
        Invoke-OpenSsl -Ok -WorkingDirectory $Dir pkey, -in, $KeyPath, -passin, "pass:$password"
        Invoke-OpenSsl -Ok -WorkingDirectory $Dir rsa, -in, $KeyPath, -passin, "pass:$password", -traditional
        [IO.File]::ReadAllText($KeyPath)
    }

    function Assert-NothingSecret([string] $Visible, [string[]] $KeyForms) {
        $Visible.Contains($password) | Should -BeFalse -Because 'the password must never be shown'
        $Visible.Contains($wrongPassword) | Should -BeFalse -Because 'a wrong password must never be shown'
        foreach ($form in $KeyForms) {
            $form | Should -Match 'PRIVATE KEY-----' -Because 'the key form scanned for is a real key'
            Test-KeyMaterialVisible -Text $Visible -KeyPem $form | Should -BeFalse -Because 'key material must never be shown'
        }
    }
}

Describe 'No secret is visible in any stream' -Tag 'CI', 'Slow' {
    BeforeEach { $dir = New-TestFolder $TestDrive }

    It 'the whole lifecycle with passwords and -Verbose shows no secret' {
        $body = @'
$k = New-SaleschatClientKey -Path $key -Password $pw -Verbose
$k | Out-Default; "$k"; $k.psobject.Properties | ForEach-Object { $_.Name + '=' + $_.Value }; $k | Format-List * | Out-Default
$c = New-SaleschatClientCertificate -KeyPath $key -KeyPassword $pw -Organization Acme -Path $cert -Verbose
$c | Out-Default; "$c"
$g = Get-SaleschatClientCertificate -Path $cert -KeyPath $key -KeyPassword $pw -Verbose
$g | Out-Default; $g.psobject.Properties | ForEach-Object { try { $_.Name + "=" + $_.Value } catch { $_.Name } } | Out-Default
$t = $g | Test-SaleschatClientCertificate -KeyPath $key -KeyPassword $pw -Verbose
$t | Out-Default; $t.Checks | Out-Default; "$t"; $t | Format-List * | Out-Default
$g | Export-SaleschatClientCertificate -Path $pfx -Format Pfx -KeyPassword $pw -Verbose | Out-Default
$g | Export-SaleschatClientCertificate -Path $pem -Verbose | Out-Default
$g | Export-SaleschatClientCertificate
Get-SaleschatClientCertificate -Path $pfx -KeyPassword $pw -Verbose | Out-Default
'@
        $s = Invoke-Scenario $dir $body @{ TEST_PASSWORD = $password }

        $s.Run.ExitCode | Should -Be 0
        $s.ErrorIds | Should -HaveCount 0
        $s.Visible | Should -Match 'VERBOSE: '
        $s.Visible | Should -Match 'Acme-saleschat-mtls'
        $s.Visible | Should -Match 'BEGIN CERTIFICATE'
        Assert-NothingSecret $s.Visible (Get-PlainKeyForms $dir (Join-Path $dir 'c.key'))
    }

    It 'wrong-password errors show no secret' {
        $key = New-OpenSslKey -Folder $dir -Name 'c.key' -Extra '-aes256', '-passout', "pass:$password"
        $cert = New-OpenSslCertificate -Folder $dir -KeyPath $key -Name 'c.crt' -PassIn $password
        $null = Invoke-OpenSsl -Ok -WorkingDirectory $dir rsa, -in, $key, -passin, "pass:$password", -out, (Join-Path $dir 'legacy.key'), -aes256, -traditional, -passout, "pass:$password"
        $null = Invoke-OpenSsl -Ok -WorkingDirectory $dir pkcs12, -export, -inkey, $key, -passin, "pass:$password", -in, $cert, -out, (Join-Path $dir 'c.pfx'), -passout, "pass:$password"
        $body = @'
Get-SaleschatClientCertificate -Path $cert -KeyPath $key -KeyPassword $wrong -Verbose
Get-SaleschatClientCertificate -Path $cert -KeyPath $legacy -KeyPassword $wrong -Verbose
Get-SaleschatClientCertificate -Path $pfx -KeyPassword $wrong -Verbose
Get-SaleschatClientCertificate -Pem ([IO.File]::ReadAllText($cert) + [IO.File]::ReadAllText($key)) -KeyPassword $wrong -Verbose
New-SaleschatClientCertificate -KeyPath $key -KeyPassword $wrong -Organization Acme -Verbose
Get-SaleschatClientCertificate -Path $cert | Test-SaleschatClientCertificate -KeyPath $key -KeyPassword $wrong -Verbose
'@
        $s = Invoke-Scenario $dir $body @{ TEST_WRONG_PASSWORD = $wrongPassword }

        $s.ErrorIds | Should -HaveCount 6
        foreach ($id in $s.ErrorIds) { $id | Should -BeLikeExactly 'WrongKeyPassword,*' }
        Assert-NothingSecret $s.Visible (Get-PlainKeyForms $dir $key)
    }

    It 'a PEM bundle from a CI secret is never echoed, whole or cut short' {
        $key = New-OpenSslKey -Folder $dir -Name 'c.key'
        $cert = New-OpenSslCertificate -Folder $dir -KeyPath $key -Name 'c.crt'
        $bundle = [Convert]::ToBase64String([IO.File]::ReadAllBytes($cert) + [IO.File]::ReadAllBytes($key))
        $body = @'
$c = Get-SaleschatClientCertificate -Pem $bundle -Verbose
$c | Out-Default; $c.psobject.Properties | ForEach-Object { try { $_.Name + "=" + $_.Value } catch { $_.Name } } | Out-Default
Get-SaleschatClientCertificate -Pem $bundle.Substring(0, 200) -Verbose
'@
        $s = Invoke-Scenario $dir $body @{ TEST_BUNDLE = $bundle }

        $s.ErrorIds | Should -HaveCount 1
        $s.Visible | Should -Match 'Acme-saleschat-mtls'
        $s.Visible.Contains($bundle.Substring(0, 200)) | Should -BeFalse
        $s.Visible.Contains($bundle.Substring(100, 60)) | Should -BeFalse
        Assert-NothingSecret $s.Visible (Get-PlainKeyForms $dir $key)
    }
}
