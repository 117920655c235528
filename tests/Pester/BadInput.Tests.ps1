# Each mistake a user makes gets exactly one designed error record (stable id, category, target object, the module's
# own exception, no stack trace or .NET exception name in what is shown), no output, and leaves every file as it was.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $password = 'Right-Pass-1'
    $wrong = New-TestSecret 'Wrong-Pass-2'

    # The inputs, made once with the documented openssl commands; every case proves this folder is left unchanged.
    $fx = New-TestFolder $TestDrive
    $key = New-OpenSslKey -Folder $fx -Name 'client.key'
    $crt = New-OpenSslCertificate -Folder $fx -KeyPath $key -Name 'client.crt'
    $otherKey = New-OpenSslKey -Folder $fx -Name 'other.key'
    $encKey = New-OpenSslKey -Folder $fx -Name 'enc.key' -Extra '-aes256', '-passout', "pass:$password"
    $encCrt = New-OpenSslCertificate -Folder $fx -KeyPath $encKey -Name 'enc.crt' -PassIn $password
    # The same key in the old `Proc-Type: 4,ENCRYPTED` form (OpenSSL 1.x, or 3 with -traditional).
    $legacyKey = Join-Path $fx 'legacy.key'
    $null = Invoke-OpenSsl -Ok -WorkingDirectory $fx rsa, -in, $encKey, -passin, "pass:$password", -out, $legacyKey, -aes256, -traditional, -passout, "pass:$password"
    $pfx = Join-Path $fx 'x.pfx'
    $null = Invoke-OpenSsl -Ok -WorkingDirectory $fx pkcs12, -export, -inkey, $key, -in, $crt, -out, $pfx, -passout, "pass:$password"
    $smallKey = New-OpenSslKey -Folder $fx -Name 'small.key' -Bits 1024
    $ecKey = Join-Path $fx 'ec.key'
    $null = Invoke-OpenSsl -Ok -WorkingDirectory $fx genpkey, -algorithm, EC, -pkeyopt, 'ec_paramgen_curve:P-256', -out, $ecKey
    $ecCrt = New-OpenSslCertificate -Folder $fx -KeyPath $ecKey -Name 'ec.crt'
    # Every reader must refuse this the same way, on every platform: the first key in it is not RSA.
    $mixedKey = Join-Path $fx 'mixed.key'
    [IO.File]::WriteAllText($mixedKey, [IO.File]::ReadAllText($ecKey) + [IO.File]::ReadAllText($key))
    if (-not $IsWindows) { [IO.File]::SetUnixFileMode($mixedKey, [IO.UnixFileMode]'UserRead, UserWrite') }
    $missingCrt = Join-Path $fx 'missing.crt'
    $missingKey = Join-Path $fx 'missing.key'
    $newCrt = Join-Path $fx 'new.crt'
    # A key in memory (no file), as `New-SaleschatClientKey |` pipes it; made once, RSA generation is the slow part.
    $memoryKey = New-SaleschatClientKey
    (Get-Content -LiteralPath $legacyKey -TotalCount 2) -join "`n" | Should -Match 'Proc-Type: 4,ENCRYPTED'

    # Runs the command (a string, so it sees this scope's variables) and checks the one error it must produce.
    function Assert-BadInput {
        param([string] $Folder, [string] $Command, [string] $Id, [string] $Cmdlet, [string] $Category, [string] $Target)
        $before = Get-FolderSnapshot $Folder

        # Created here and called from a block written here, so it runs in this file's scope, not the utils module's.
        $script = [scriptblock]::Create($Command)
        $r = Invoke-TestCommand { & $script }

        $r.Errors | Should -HaveCount 1 -Because $Command
        $e = $r.Errors[0]
        $e.FullyQualifiedErrorId | Should -BeExactly "$Id,Saleschat.Mtls.Cmdlets.${Cmdlet}Command"
        $e.CategoryInfo.Category | Should -BeExactly $Category
        $e.TargetObject | Should -Not -BeNullOrEmpty
        if ($Target) { $e.TargetObject | Should -Be (& ([scriptblock]::Create($Target))) }
        $e.Exception.GetType().FullName | Should -BeExactly 'Saleschat.Mtls.Errors.SaleschatException'
        $e.ToString() | Should -Not -Match '   at '
        $e.ToString() | Should -Not -Match 'Exception'
        $r.Output | Should -HaveCount 0
        Get-FolderSnapshot $Folder | Should -Be $before
        $e
    }
}

Describe 'Bad input to the certificate and key cmdlets' -Tag 'CI' {
    It '<Case>' -TestCases @(
        @{ Case = 'a missing certificate file'; Command = 'Get-SaleschatClientCertificate -Path $missingCrt'; Id = 'CertificateFileNotFound'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'ObjectNotFound'; Target = '$missingCrt' }
        @{ Case = 'a missing key file (Get)'; Command = 'Get-SaleschatClientCertificate -Path $crt -KeyPath $missingKey'; Id = 'KeyFileNotFound'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'ObjectNotFound'; Target = '$missingKey' }
        @{ Case = 'a missing key file (New)'; Command = 'New-SaleschatClientCertificate -KeyPath $missingKey -Organization Acme -Path $newCrt'; Id = 'KeyFileNotFound'; Cmdlet = 'NewSaleschatClientCertificate'; Category = 'ObjectNotFound' }
        @{ Case = 'a missing key file (Test)'; Command = 'Get-SaleschatClientCertificate -Path $crt | Test-SaleschatClientCertificate -KeyPath $missingKey'; Id = 'KeyFileNotFound'; Cmdlet = 'TestSaleschatClientCertificate'; Category = 'ObjectNotFound' }
        @{ Case = 'PEM text that is no certificate'; Command = "Get-SaleschatClientCertificate -Pem 'garbage text'"; Id = 'InvalidCertificatePem'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'InvalidData' }
        @{ Case = 'a wrong password for a PKCS#8 key (Get)'; Command = 'Get-SaleschatClientCertificate -Path $encCrt -KeyPath $encKey -KeyPassword $wrong'; Id = 'WrongKeyPassword'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'AuthenticationError' }
        @{ Case = 'a wrong password for a PKCS#8 key (New)'; Command = 'New-SaleschatClientCertificate -KeyPath $encKey -KeyPassword $wrong -Organization Acme -Path $newCrt'; Id = 'WrongKeyPassword'; Cmdlet = 'NewSaleschatClientCertificate'; Category = 'AuthenticationError' }
        @{ Case = 'a wrong password for a legacy key (Get)'; Command = 'Get-SaleschatClientCertificate -Path $encCrt -KeyPath $legacyKey -KeyPassword $wrong'; Id = 'WrongKeyPassword'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'AuthenticationError' }
        @{ Case = 'a wrong password for a legacy key (New)'; Command = 'New-SaleschatClientCertificate -KeyPath $legacyKey -KeyPassword $wrong -Organization Acme -Path $newCrt'; Id = 'WrongKeyPassword'; Cmdlet = 'NewSaleschatClientCertificate'; Category = 'AuthenticationError' }
        @{ Case = 'a wrong PFX password'; Command = 'Get-SaleschatClientCertificate -Path $pfx -KeyPassword $wrong'; Id = 'WrongKeyPassword'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'AuthenticationError' }
        @{ Case = 'a PFX without a password'; Command = 'Get-SaleschatClientCertificate -Path $pfx'; Id = 'PfxPasswordRequired'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'InvalidArgument' }
        @{ Case = 'an encrypted PKCS#8 key without a password (Get)'; Command = 'Get-SaleschatClientCertificate -Path $encCrt -KeyPath $encKey'; Id = 'KeyPasswordRequired'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'InvalidArgument' }
        @{ Case = 'an encrypted PKCS#8 key without a password (New)'; Command = 'New-SaleschatClientCertificate -KeyPath $encKey -Organization Acme -Path $newCrt'; Id = 'KeyPasswordRequired'; Cmdlet = 'NewSaleschatClientCertificate'; Category = 'InvalidArgument' }
        @{ Case = 'an encrypted legacy key without a password (Get)'; Command = 'Get-SaleschatClientCertificate -Path $encCrt -KeyPath $legacyKey'; Id = 'KeyPasswordRequired'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'InvalidArgument' }
        @{ Case = 'an encrypted legacy key without a password (New)'; Command = 'New-SaleschatClientCertificate -KeyPath $legacyKey -Organization Acme -Path $newCrt'; Id = 'KeyPasswordRequired'; Cmdlet = 'NewSaleschatClientCertificate'; Category = 'InvalidArgument' }
        @{ Case = 'the key of another certificate (files)'; Command = 'Get-SaleschatClientCertificate -Path $crt -KeyPath $otherKey'; Id = 'CertificateKeyMismatch'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'InvalidData' }
        @{ Case = 'the key of another certificate (PEM text)'; Command = 'Get-SaleschatClientCertificate -Pem ([IO.File]::ReadAllText($crt)) -KeyPem ([IO.File]::ReadAllText($otherKey))'; Id = 'CertificateKeyMismatch'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'InvalidData' }
        @{ Case = 'a 1024-bit key is too small for a certificate'; Command = 'New-SaleschatClientCertificate -KeyPath $smallKey -Organization Acme -Path $newCrt'; Id = 'KeyTooSmall'; Cmdlet = 'NewSaleschatClientCertificate'; Category = 'InvalidData'; Target = '1024' }
        @{ Case = 'an EC key is not supported (New)'; Command = 'New-SaleschatClientCertificate -KeyPath $ecKey -Organization Acme -Path $newCrt'; Id = 'UnsupportedKeyType'; Cmdlet = 'NewSaleschatClientCertificate'; Category = 'InvalidData' }
        @{ Case = 'an EC key is not supported (Get)'; Command = 'Get-SaleschatClientCertificate -Path $ecCrt -KeyPath $ecKey'; Id = 'UnsupportedKeyType'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'InvalidData' }
        # A session reads its pair the fast way (the platform's PEM reader, on Linux) and falls back to the portable reader, whose errors these are.
        @{ Case = 'the key of another certificate (session)'; Command = 'New-SaleschatSession -BaseUri https://127.0.0.1:9/ -OrgId o -NoDefault -CertificatePath $crt -KeyPath $otherKey'; Id = 'CertificateKeyMismatch'; Cmdlet = 'NewSaleschatSession'; Category = 'InvalidData' }
        @{ Case = 'an EC key block before the RSA key (session)'; Command = 'New-SaleschatSession -BaseUri https://127.0.0.1:9/ -OrgId o -NoDefault -CertificatePath $crt -KeyPath $mixedKey'; Id = 'UnsupportedKeyType'; Cmdlet = 'NewSaleschatSession'; Category = 'InvalidData' }
        @{ Case = 'an EC key block before the RSA key (Get)'; Command = 'Get-SaleschatClientCertificate -Path $crt -KeyPath $mixedKey'; Id = 'UnsupportedKeyType'; Cmdlet = 'GetSaleschatClientCertificate'; Category = 'InvalidData' }
        @{ Case = 'an EC pair (session)'; Command = 'New-SaleschatSession -BaseUri https://127.0.0.1:9/ -OrgId o -NoDefault -CertificatePath $ecCrt -KeyPath $ecKey'; Id = 'UnsupportedKeyType'; Cmdlet = 'NewSaleschatSession'; Category = 'InvalidData' }
        @{ Case = 'a PRIVATE KEY block that is no key (session)'; Command = 'New-SaleschatSession -BaseUri https://127.0.0.1:9/ -OrgId o -NoDefault -CertificatePem ([IO.File]::ReadAllText($crt)) -KeyPem "-----BEGIN PRIVATE KEY-----`nbm90IGEga2V5IGF0IGFsbA==`n-----END PRIVATE KEY-----`n"'; Id = 'InvalidKeyPem'; Cmdlet = 'NewSaleschatSession'; Category = 'InvalidData' }
    ) {
        $null = Assert-BadInput -Folder $fx -Command $Command -Id $Id -Cmdlet $Cmdlet -Category $Category -Target $Target
    }

    It 'a certificate file holding <Label>' -TestCases @(
        @{ Label = 'text'; Content = 'this is not a certificate' }
        @{ Label = 'nothing'; Content = '' }
        @{ Label = 'a CERTIFICATE block that is no certificate'; Content = "-----BEGIN CERTIFICATE-----`nbm90IGEgY2VydGlmaWNhdGU=`n-----END CERTIFICATE-----`n" }
    ) {
        $dir = New-TestFolder $TestDrive
        $bad = Join-Path $dir 'bad.crt'
        [IO.File]::WriteAllText($bad, $Content)
        $null = Assert-BadInput -Folder $dir -Command 'Get-SaleschatClientCertificate -Path $bad' -Id 'InvalidCertificatePem' -Cmdlet 'GetSaleschatClientCertificate' -Category 'InvalidData' -Target '$bad'
    }

    It 'a key file holding <Label>' -TestCases @(
        @{ Label = 'text'; Content = 'this is not a key' }
        @{ Label = 'nothing'; Content = '' }
        @{ Label = 'a PRIVATE KEY block that is no key'; Content = "-----BEGIN PRIVATE KEY-----`nbm90IGEga2V5IGF0IGFsbA==`n-----END PRIVATE KEY-----`n" }
    ) {
        $dir = New-TestFolder $TestDrive
        $bad = Join-Path $dir 'bad.key'
        [IO.File]::WriteAllText($bad, $Content)
        # Owner-only, as a key is: the content is what is wrong here, not who may read it (UnprotectedKeyFile).
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($bad, [IO.UnixFileMode]'UserRead, UserWrite') }
        $null = Assert-BadInput -Folder $dir -Command 'Get-SaleschatClientCertificate -Path $crt -KeyPath $bad' -Id 'InvalidKeyPem' -Cmdlet 'GetSaleschatClientCertificate' -Category 'InvalidData' -Target '$bad'
        $newCrt = Join-Path $dir 'new.crt'
        $null = Assert-BadInput -Folder $dir -Command 'New-SaleschatClientCertificate -KeyPath $bad -Organization Acme -Path $newCrt' -Id 'InvalidKeyPem' -Cmdlet 'NewSaleschatClientCertificate' -Category 'InvalidData'
    }

    It '-ValidityDays <Days> is out of range' -TestCases @(@{ Days = 0 }, @{ Days = -5 }, @{ Days = 3651 }) {
        $null = Assert-BadInput -Folder $fx -Command "New-SaleschatClientCertificate -KeyPath `$key -Organization Acme -ValidityDays $Days -Path `$newCrt" -Id 'InvalidValidityDays' -Cmdlet 'NewSaleschatClientCertificate' -Category 'InvalidArgument' -Target "$Days"
        $null = Assert-BadInput -Folder $fx -Command "`$memoryKey | New-SaleschatClientCertificate -Organization Acme -ValidityDays $Days -Path `$newCrt" -Id 'InvalidValidityDays' -Cmdlet 'NewSaleschatClientCertificate' -Category 'InvalidArgument'
    }

    It 'a subject that is not valid: <Arguments>' -TestCases @(
        @{ Arguments = '-Organization Acme -Country India' }
        @{ Arguments = "-Subject '/C=IN/X=what/CN=Acme'" }
        @{ Arguments = "-Subject 'CN'" }
        @{ Arguments = "-Subject '   '" }
    ) {
        $e = Assert-BadInput -Folder $fx -Command "`$memoryKey | New-SaleschatClientCertificate $Arguments -Path `$newCrt" -Id 'InvalidSubject' -Cmdlet 'NewSaleschatClientCertificate' -Category 'InvalidArgument'
        $e.Exception.Message | Should -MatchExactly 'subject'
    }
}
