# New-SaleschatClientKey: an owner-only PKCS#8 RSA key that openssl accepts; never replaces a file without -Force.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $cmdlet = 'Saleschat.Mtls.Cmdlets.NewSaleschatClientKeyCommand'
}

Describe 'New-SaleschatClientKey' -Tag 'CI' {
    BeforeEach { $dir = New-TestFolder $TestDrive }

    It 'writes an owner-only PKCS#8 key and describes it with the fingerprint openssl computes' {
        $path = Join-Path $dir 'client.key'
        $key = New-SaleschatClientKey -Path $path
        @($key) | Should -HaveCount 1
        $key.GetType().FullName | Should -BeExactly 'Saleschat.Mtls.ClientKey'
        $key.KeySize | Should -Be 2048
        $key.Algorithm | Should -BeExactly 'RSA'
        $key.Encrypted | Should -BeFalse
        $key.Path | Should -BeExactly $path
        Get-Content -LiteralPath $path -TotalCount 1 | Should -BeExactly '-----BEGIN PRIVATE KEY-----'
        if (-not $IsWindows) { (Get-Item -LiteralPath $path).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') }
        (Get-ChildItem $dir).Name | Should -Be @('client.key')

        $der = Join-Path $dir 'pub.der'
        $null = Invoke-OpenSsl -Ok -WorkingDirectory $dir pkey, -in, $path, -pubout, -outform, DER, -out, $der
        $expected = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([IO.File]::ReadAllBytes($der))).ToLowerInvariant()
        $key.PublicKeySha256 | Should -BeExactly $expected
    }

    It 'makes the <Size>-bit key asked for' -TestCases @(@{ Size = 2048 }, @{ Size = 4096 }) {
        $path = Join-Path $dir 'k.key'
        (New-SaleschatClientKey -Path $path -KeySize $Size).KeySize | Should -Be $Size
        Invoke-OpenSsl -Ok -WorkingDirectory $dir rsa, -in, $path, -noout, -text | Should -Match ([regex]::Escape("Private-Key: ($Size bit"))
    }

    It 'refuses <Size> bits, a size Saleschat does not accept' -TestCases @(@{ Size = 1024 }, @{ Size = 3072 }) {
        { New-SaleschatClientKey -KeySize $Size } | Should -Throw -ErrorId "ParameterArgumentValidationError,$cmdlet"
    }

    It 'encrypts with a password that openssl accepts, and only that one' {
        $path = Join-Path $dir 'enc.key'
        $key = New-SaleschatClientKey -Path $path -Password (New-TestSecret 's3cret-Pass!') -KeySize 2048
        $key.Encrypted | Should -BeTrue
        Get-Content -LiteralPath $path -TotalCount 1 | Should -BeExactly '-----BEGIN ENCRYPTED PRIVATE KEY-----'
        Invoke-OpenSsl -Ok -WorkingDirectory $dir rsa, -check, -noout, -in, $path, -passin, 'pass:s3cret-Pass!' | Should -Match 'RSA key ok'
        (Invoke-OpenSsl -WorkingDirectory $dir rsa, -check, -noout, -in, $path, -passin, 'pass:wrong').ExitCode | Should -Not -Be 0
    }

    It 'never replaces an existing file without -Force' {
        $path = Join-Path $dir 'client.key'
        [IO.File]::WriteAllText($path, 'precious old key')
        $before = Get-FolderSnapshot $dir

        $err = { New-SaleschatClientKey -Path $path } | Should -Throw -ErrorId "KeyFileExists,$cmdlet" -PassThru

        $err.FullyQualifiedErrorId | Should -BeExactly "KeyFileExists,$cmdlet"
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.TargetObject | Should -BeExactly $path
        [IO.File]::ReadAllText($path) | Should -BeExactly 'precious old key'
        Get-FolderSnapshot $dir | Should -Be $before
    }

    It '-Force replaces the file atomically and makes it owner-only again' {
        $path = Join-Path $dir 'client.key'
        [IO.File]::WriteAllText($path, 'old')
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($path, [IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead') }

        $null = New-SaleschatClientKey -Path $path -Force

        Get-Content -LiteralPath $path -TotalCount 1 | Should -BeExactly '-----BEGIN PRIVATE KEY-----'
        if (-not $IsWindows) { (Get-Item -LiteralPath $path).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') }
        (Get-ChildItem $dir).Name | Should -Be @('client.key')
    }

    It '-WhatIf creates nothing' {
        $out = New-SaleschatClientKey -Path (Join-Path $dir 'client.key') -WhatIf -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 0
        Get-ChildItem $dir | Should -BeNullOrEmpty
    }

    It 'a missing folder is a clear error and writes nothing' {
        $path = [IO.Path]::Combine($dir, 'nope', 'client.key')
        $err = { New-SaleschatClientKey -Path $path } | Should -Throw -ErrorId "DirectoryNotFound,$cmdlet" -PassThru
        $err.FullyQualifiedErrorId | Should -BeExactly "DirectoryNotFound,$cmdlet"
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -BeExactly $path
        Get-ChildItem $dir -Recurse | Should -BeNullOrEmpty
    }

    It 'resolves a relative path against the PowerShell location, not the process directory' {
        Push-Location $dir
        try { $null = New-SaleschatClientKey -Path ./rel.key }
        finally { Pop-Location }
        [IO.Path]::Combine($dir, 'rel.key') | Should -Exist
        [Environment]::CurrentDirectory | Should -Not -Be $dir
    }

    It 'the key object never shows key material or the password, in any stream' {
        $path = Join-Path $dir 'client.key'
        $pw = New-TestSecret 'Hunter2-Secret'
        $visible = & {
            $k = New-SaleschatClientKey -Path $path -Password $pw -Verbose
            $k
            $k | Format-List * 
            $k.psobject.Properties | ForEach-Object { $_.Name + '=' + $_.Value }
            "$k"
        } *>&1 | Out-String -Width 300
        $visible | Should -Match 'VERBOSE|PublicKeySha256'
        $visible | Should -Match 'PublicKeySha256'
        $visible | Should -Not -Match 'Hunter2-Secret'
        Test-KeyMaterialVisible -Text $visible -KeyPem ([IO.File]::ReadAllText($path)) | Should -BeFalse
        # The plain key, as openssl would print it, is not visible either.
        $plain = Invoke-OpenSsl -Ok -WorkingDirectory $dir pkey, -in, $path, -passin, 'pass:Hunter2-Secret'
        Test-KeyMaterialVisible -Text $visible -KeyPem $plain | Should -BeFalse
    }
}
