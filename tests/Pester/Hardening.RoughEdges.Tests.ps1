# Rough edges found in the third review, each now said plainly: a path on another PowerShell provider, a dangling
# symbolic link where a key goes, a public file that would keep group/other write under -Force, and a second
# Start-SaleschatCertificateRotation asking for another key size than the pending one has.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    $prefix = 'Saleschat.Mtls.Cmdlets.'
    function Get-Mode([string] $Path) { (& stat -c '%a' $Path) }
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'Only file-system paths are accepted' -Tag 'CI' {
    It '<Command> <Parameter> <Path> says only file-system paths are accepted' -TestCases @(
        @{ Command = 'New-SaleschatClientKey'; Parameter = '-Path'; Path = 'variable:x' }
        @{ Command = 'New-SaleschatClientKey'; Parameter = '-Path'; Path = 'function:x' }
        @{ Command = 'New-SaleschatClientKey'; Parameter = '-Path'; Path = 'env:x' }
        @{ Command = 'Export-SaleschatClientCertificate'; Parameter = '-Path'; Path = 'variable:x' }
        @{ Command = 'New-SaleschatSession'; Parameter = '-KeyPath'; Path = 'env:SALESCHAT_KEY' }
        @{ Command = 'Invoke-SaleschatMtlsRequest'; Parameter = '-OutFile'; Path = 'function:answer' }
    ) {
        $call = switch ($Command) {
            'New-SaleschatClientKey' { { New-SaleschatClientKey -Path $Path -ErrorAction Stop } }
            'Export-SaleschatClientCertificate' { { $pair.Certificate | Export-SaleschatClientCertificate -Path $Path -ErrorAction Stop } }
            'New-SaleschatSession' { { New-SaleschatSession -BaseUri $emulator.BaseUri -CertificatePath $pair.CertificatePath -KeyPath $Path -NoDefault -ErrorAction Stop } }
            'Invoke-SaleschatMtlsRequest' {
                $null = New-TestSession -Emulator $emulator -Pair $pair
                { Invoke-SaleschatMtlsRequest '/__faults/text' -OutFile $Path -ErrorAction Stop }
            }
        }
        $failure = $call | Should -Throw -ErrorId ('InvalidPath,' + $prefix + ($Command -replace '-', '') + 'Command') -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.TargetObject | Should -BeExactly $Path
        $failure.Exception.Message | Should -BeLike '*only file-system paths are accepted*'
        $failure.Exception.Message | Should -Not -BeLike "*folder ''*"
    }
}

Describe 'A dangling symbolic link is named as one' -Tag 'CI' -Skip:$IsWindows {
    BeforeEach {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('n')))
        $link = Join-Path $folder 'client.key'
        $missing = Join-Path $folder 'nowhere.key'
        & ln -s $missing $link
    }

    It 'refuses to write a key through it (<Mode>), says what it is, and writes nothing' -TestCases @(
        @{ Mode = 'without -Force'; Force = $false }
        @{ Mode = 'with -Force'; Force = $true }
    ) {
        $failure = { New-SaleschatClientKey -Path $link -Force:$Force -ErrorAction Stop } |
            Should -Throw -ErrorId "NotARegularFile,$($prefix)NewSaleschatClientKeyCommand" -PassThru
        $failure.Exception.Message | Should -BeLike "*symbolic link to '$missing', which does not exist*"
        $failure.Exception.Message | Should -Not -BeLike '*disk space*'
        $failure.Exception.Message | Should -Not -BeLike '*already exists*'
        [IO.File]::Exists($missing) | Should -BeFalse
        (Get-Item -LiteralPath $link -Force).LinkTarget | Should -BeExactly $missing
    }

    It 'says what it is when a session reads a key through it' {
        $failure = { New-SaleschatSession -BaseUri $emulator.BaseUri -CertificatePath $pair.CertificatePath -KeyPath $link -NoDefault -ErrorAction Stop } |
            Should -Throw -ErrorId "KeyFileNotFound,$($prefix)NewSaleschatSessionCommand" -PassThru
        $failure.Exception.Message | Should -BeLike "*symbolic link to '$missing', which does not exist*"
    }
}

Describe 'A public file never keeps group or other write' -Tag 'CI' -Skip:$IsWindows {
    It '<Command> -Force over a <Before> file leaves <After>' -TestCases @(
        @{ Command = 'New-SaleschatClientCertificate'; Before = '666'; After = '644' }
        @{ Command = 'New-SaleschatClientCertificate'; Before = '640'; After = '640' }
        @{ Command = 'Export-SaleschatClientCertificate'; Before = '666'; After = '644' }
        @{ Command = 'Export-SaleschatClientCertificate'; Before = '662'; After = '640' }
        @{ Command = 'Invoke-SaleschatMtlsRequest -OutFile'; Before = '666'; After = '644' }
    ) {
        $file = Join-Path $TestDrive "public-$([guid]::NewGuid().ToString('n')).pem"
        [IO.File]::WriteAllText($file, 'old')
        & chmod $Before $file
        switch ($Command) {
            'New-SaleschatClientCertificate' { $null = New-SaleschatClientCertificate -KeyPath $pair.KeyPath -Organization Acme -Path $file -Force }
            'Export-SaleschatClientCertificate' { $null = $pair.Certificate | Export-SaleschatClientCertificate -Path $file -Force }
            default {
                $null = New-TestSession -Emulator $emulator -Pair $pair
                Invoke-SaleschatMtlsRequest '/__faults/text' -OutFile $file -Force
            }
        }
        [IO.File]::ReadAllText($file) | Should -Not -BeExactly 'old'
        Get-Mode $file | Should -BeExactly $After
    }
}

Describe 'A second Start-SaleschatCertificateRotation with another -KeySize says so' -Tag 'CI' {
    BeforeAll {
        $rotating = New-TestClientPair -Folder (Join-Path $TestDrive 'rotating') -Name client
        $first = Start-SaleschatCertificateRotation -CertificatePath $rotating.CertificatePath -KeyPath $rotating.KeyPath -KeySize 2048
    }

    It 'warns, naming both sizes, and returns the pending pair as it is' {
        $second = Start-SaleschatCertificateRotation -CertificatePath $rotating.CertificatePath -KeyPath $rotating.KeyPath -KeySize 4096 -WarningVariable warnings -WarningAction SilentlyContinue
        $second.NextCertificate.Thumbprint | Should -BeExactly $first.NextCertificate.Thumbprint
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -BeLike '*2048-bit*'
        $warnings[0].Message | Should -BeLike '*-KeySize 4096*'
        $warnings[0].Message | Should -BeLike "*$([IO.Path]::GetFileName($second.NextKeyPath))*"
    }

    It 'says nothing when the size asked for is the pending one, or none is asked for' {
        $null = Start-SaleschatCertificateRotation -CertificatePath $rotating.CertificatePath -KeyPath $rotating.KeyPath -KeySize 2048 -WarningVariable same -WarningAction SilentlyContinue
        $null = Start-SaleschatCertificateRotation -CertificatePath $rotating.CertificatePath -KeyPath $rotating.KeyPath -WarningVariable none -WarningAction SilentlyContinue
        $same | Should -HaveCount 0
        $none | Should -HaveCount 0
    }
}
