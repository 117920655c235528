# The key in daily use is checked as ssh checks its keys: New-SaleschatSession, New-SaleschatClientCertificate and
# Get-SaleschatClientCertificate refuse a -KeyPath file another user owns, or others can read or write, with the
# command that fixes it; that command, run as given, makes the key usable. Test-SaleschatClientCertificate still
# reports such a key (its job is to say what is wrong) instead of refusing it.
BeforeDiscovery {
    # chown to another user needs root.
    $isRoot = -not $IsWindows -and (& id -u) -eq '0'
}

BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair')
    $target = @{ BaseUri = 'https://127.0.0.1:9/'; OrgId = 'org-1'; NoDefault = $true }

    function Set-KeyMode([string] $Path, [string] $Mode) { & chmod $Mode $Path; $LASTEXITCODE | Should -Be 0 }

    # The key as someone made it: a copy of the pair's key with the given mode (and owner).
    function New-KeyCopy([string] $Mode, [string] $Owner) {
        $copy = Join-Path $TestDrive "key-$([guid]::NewGuid().ToString('n').Substring(0, 8)).key"
        [IO.File]::Copy($pair.KeyPath, $copy)
        Set-KeyMode $copy $Mode
        if ($Owner) { & chown $Owner $copy; $LASTEXITCODE | Should -Be 0 }
        $copy
    }
}

Describe 'A private key that is not yours alone is refused' -Tag 'CI' -Skip:$IsWindows {
    It '<Command> refuses a key with mode <Mode> (<Why>), saying how to fix it' -TestCases @(
        @{ Command = 'New-SaleschatSession'; Mode = '644'; Why = 'other users can read it' }
        @{ Command = 'New-SaleschatSession'; Mode = '640'; Why = 'other users can read it' }
        @{ Command = 'New-SaleschatSession'; Mode = '620'; Why = 'other users can write it' }
        @{ Command = 'New-SaleschatClientCertificate'; Mode = '644'; Why = 'other users can read it' }
        @{ Command = 'New-SaleschatClientCertificate'; Mode = '602'; Why = 'other users can write it' }
        @{ Command = 'Get-SaleschatClientCertificate'; Mode = '604'; Why = 'other users can read it' }
    ) {
        $key = New-KeyCopy $Mode
        $call = switch ($Command) {
            'New-SaleschatSession' { { New-SaleschatSession @target -CertificatePath $pair.CertificatePath -KeyPath $key -ErrorAction Stop } }
            'New-SaleschatClientCertificate' { { New-SaleschatClientCertificate -KeyPath $key -Organization Acme -ErrorAction Stop } }
            'Get-SaleschatClientCertificate' { { Get-SaleschatClientCertificate -Path $pair.CertificatePath -KeyPath $key -ErrorAction Stop } }
        }
        $cmdlet = 'Saleschat.Mtls.Cmdlets.' + ($Command -replace '-', '') + 'Command'
        $failure = $call | Should -Throw -ErrorId "UnprotectedKeyFile,$cmdlet" -PassThru
        $failure.CategoryInfo.Category | Should -Be 'SecurityError'
        $failure.TargetObject | Should -BeExactly $key
        $failure.Exception.Message | Should -BeLike "*$Why*"
        $failure.Exception.Message | Should -BeLike "*chmod 600 '$key'*"

        # The advice, run as given, is all it takes.
        $fix = ($failure.Exception.Message -split 'fix it with: ')[1]
        & sh -c $fix
        $LASTEXITCODE | Should -Be 0
        $output = & $call
        @($output).Count | Should -Be 1
    }

    It '<Command> refuses the pair''s key with mode 644 before touching anything' -TestCases @(
        @{ Command = 'Start-SaleschatCertificateRotation' }
        @{ Command = 'Invoke-SaleschatCertificateMaintenance' }
    ) {
        $key = New-KeyCopy '644'
        $certificate = [IO.Path]::ChangeExtension($key, '.crt')
        [IO.File]::Copy($pair.CertificatePath, $certificate)
        $before = @(Get-ChildItem -LiteralPath $TestDrive -File).Count
        $call = switch ($Command) {
            'Start-SaleschatCertificateRotation' { { Start-SaleschatCertificateRotation -CertificatePath $certificate -KeyPath $key -ErrorAction Stop } }
            'Invoke-SaleschatCertificateMaintenance' { { Invoke-SaleschatCertificateMaintenance -CertificatePath $certificate -KeyPath $key -ErrorAction Stop } }
        }
        $cmdlet = 'Saleschat.Mtls.Cmdlets.' + ($Command -replace '-', '') + 'Command'
        $failure = $call | Should -Throw -ErrorId "UnprotectedKeyFile,$cmdlet" -PassThru
        $failure.Exception.Message | Should -BeLike "*chmod 600 '$key'*"
        @(Get-ChildItem -LiteralPath $TestDrive -File).Count | Should -Be $before -Because 'no next key or certificate is made beside a key others can read'
    }

    It 'refuses a key another user owns, with the chown that fixes it' -Skip:(-not $isRoot) {
        $key = New-KeyCopy '600' 'nobody'
        $failure = { New-SaleschatSession @target -CertificatePath $pair.CertificatePath -KeyPath $key -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnprotectedKeyFile,Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand' -PassThru
        $failure.Exception.Message | Should -BeLike '*belongs to another user*'
        $failure.Exception.Message | Should -BeLike "*chown*'$key'*chmod 600 '$key'*"
        $fix = ($failure.Exception.Message -split 'fix it with: ')[1] -replace '^sudo ', ''
        & sh -c $fix
        $LASTEXITCODE | Should -Be 0
        New-SaleschatSession @target -CertificatePath $pair.CertificatePath -KeyPath $key | Should -HaveCount 1
    }

    It 'accepts an owner-only key (<Mode>), also through a symbolic link' -TestCases @(
        @{ Mode = '600' }
        @{ Mode = '400' }
    ) {
        $key = New-KeyCopy $Mode
        $link = Join-Path $TestDrive "link-$Mode.key"
        & ln -s $key $link
        New-SaleschatSession @target -CertificatePath $pair.CertificatePath -KeyPath $link | Should -HaveCount 1
        New-SaleschatClientCertificate -KeyPath $key -Organization Acme | Should -HaveCount 1
    }

    It 'still lets Test-SaleschatClientCertificate report such a key instead of refusing it' {
        $key = New-KeyCopy '644'
        $result = Test-SaleschatClientCertificate -Certificate $pair.Certificate -KeyPath $key
        $result.Passed | Should -BeFalse
        ($result.Checks | Where-Object Name -EQ 'KeyFilePermissions').Outcome.ToString() | Should -BeExactly 'Failed'
    }
}
