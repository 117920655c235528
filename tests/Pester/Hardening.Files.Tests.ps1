# Files as users expect, and input the module refuses before it touches a file:
# modes whatever the umask, modes kept on -Force, temporary files of a killed writer swept, only regular files
# of sane size read, NUL paths, empty passwords, control and bidi characters in subjects, literal RDN encodings,
# a certificate never written over its key, and the messages that used to say the wrong thing.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $manifest = Get-TestModuleManifest
    $folder = Join-Path $TestDrive 'files'
    $null = New-Item -ItemType Directory -Path $folder
    $keyPath = Join-Path $folder 'client.key'
    $null = New-SaleschatClientKey -Path $keyPath
    $newCert = 'Saleschat.Mtls.Cmdlets.NewSaleschatClientCertificateCommand'
    $newKey = 'Saleschat.Mtls.Cmdlets.NewSaleschatClientKeyCommand'
    $getCert = 'Saleschat.Mtls.Cmdlets.GetSaleschatClientCertificateCommand'

    function Get-Mode([string] $Path) { [Convert]::ToString([int][IO.File]::GetUnixFileMode($Path), 8).PadLeft(4, '0') }
    function Get-Sha256([string] $Path) { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([IO.File]::ReadAllBytes($Path))) }
}

Describe 'Written files get the mode users expect' -Tag 'CI', 'Slow' -Skip:($IsWindows) {
    It 'writes certificates and exported PEM 0644 and keys 0600 under umask <Umask>' -TestCases @(
        @{ Umask = '000' }
        @{ Umask = '077' }
    ) {
        $dir = Join-Path $TestDrive "umask$Umask"
        $null = New-Item -ItemType Directory -Path $dir
        $run = Invoke-TestPwsh -Umask $Umask -TimeoutSec 120 -Command @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
Set-Location '$dir'
`$cert = New-SaleschatClientKey -Path ./client.key | New-SaleschatClientCertificate -Organization Acme -Path ./client.crt
`$null = `$cert | Export-SaleschatClientCertificate -Path ./upload.pem
'written'
"@
        $run.TimedOut | Should -BeFalse
        $run.StdErr | Should -BeNullOrEmpty
        $run.StdOut | Should -Match 'written'
        Get-Mode (Join-Path $dir 'client.crt') | Should -Be '0644'
        Get-Mode (Join-Path $dir 'upload.pem') | Should -Be '0644'
        Get-Mode (Join-Path $dir 'client.key') | Should -Be '0600'
    }

    It 'keeps a certificate''s mode <Mode> when -Force replaces it' -TestCases @(
        @{ Mode = '0600' }
        @{ Mode = '0640' }
        @{ Mode = '0444' }
    ) {
        $crt = Join-Path $TestDrive "kept$Mode.crt"
        $null = New-SaleschatClientCertificate -KeyPath $keyPath -Organization Acme -Path $crt
        [IO.File]::SetUnixFileMode($crt, [IO.UnixFileMode][Convert]::ToInt32($Mode, 8))
        $null = New-SaleschatClientCertificate -KeyPath $keyPath -Organization Acme -Path $crt -Force
        Get-Mode $crt | Should -Be $Mode
        $null = Get-SaleschatClientCertificate -Path $crt | Export-SaleschatClientCertificate -Path $crt -Force
        Get-Mode $crt | Should -Be $Mode
    }

    It 'never leaves a replaced key readable by others' {
        $key = Join-Path $TestDrive 'loose.key'
        [IO.File]::WriteAllText($key, 'old')
        [IO.File]::SetUnixFileMode($key, [IO.UnixFileMode][Convert]::ToInt32('0644', 8))
        $null = New-SaleschatClientKey -Path $key -Force
        Get-Mode $key | Should -Be '0600'
    }
}

Describe 'A writer killed mid-write leaves no private key behind' -Tag 'CI', 'Slow' -Skip:($IsWindows) {
    It 'sweeps the killed writer''s temporary file on the next write to the same target, and never a live writer''s' {
        $dir = Join-Path $TestDrive 'killed'
        $null = New-Item -ItemType Directory -Path $dir
        $target = Join-Path $dir 'client.key'
        # The module's own AtomicFileWriter, on a platform that stalls after the key is written and flushed to
        # its temporary file and before the rename: the moment a kill -9 leaves a whole private key behind.
        $child = Start-TestPwsh -WorkingDirectory $dir -Command @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
`$dll = [IO.Path]::Combine([IO.Path]::GetDirectoryName('$manifest'), 'Saleschat.Mtls.dll')
Add-Type -ReferencedAssemblies `$dll, netstandard, System.Runtime, System.Threading.Thread -TypeDefinition @'
using System.IO;
using Saleschat.Mtls.Files;
public sealed class StallingPlatform : IFilePlatform
{
    private readonly IFilePlatform _real = FilePlatform.Current;
    public Stream CreateNew(string path, bool ownerOnly) { return _real.CreateNew(path, ownerOnly); }
    public void ReplaceAtomically(string source, string destination) { _real.ReplaceAtomically(source, destination); }
    public bool? IsReadableByOthers(string path, out string detail) { return _real.IsReadableByOthers(path, out detail); }
    public FileFacts Inspect(string path) { return _real.Inspect(path); }
    public FileFacts Inspect(FileStream open) { return _real.Inspect(open); }
    public void SetPermissions(string path, int mode) { System.Threading.Thread.Sleep(120000); _real.SetPermissions(path, mode); }
    public bool CanRenameOpenFile { get { return _real.CanRenameOpenFile; } }
    public FileStream TryLock(string path) { return _real.TryLock(path); }
    public void ReleaseLock(FileStream held, string path) { _real.ReleaseLock(held, path); }
    public bool TryRemoveAbandoned(string path) { return _real.TryRemoveAbandoned(path); }
}
'@
`$pem = [IO.File]::ReadAllBytes('$keyPath')
[Saleschat.Mtls.Files.AtomicFileWriter]::new([StallingPlatform]::new()).Write('$target', `$pem, `$true, `$true, 'KeyFileExists')
"@
        try {
            $expected = [IO.File]::ReadAllBytes($keyPath).Length
            $temporary = $null
            Wait-Until -TimeoutSec 180 -Because 'the child to write the whole key to its temporary file' -Condition {
                $found = @([IO.Directory]::GetFiles($dir, '.client.key.*.tmp'))
                $script:stale = if ($found.Count -eq 1 -and ([IO.FileInfo]$found[0]).Length -eq $expected) { $found[0] }
                [bool]$script:stale
            }
            $temporary = $script:stale
            # Read with cat: .NET itself cannot open it while the writer holds its lock, which is the point.
            (& cat $temporary) -join "`n" | Should -Match 'BEGIN PRIVATE KEY'

            # A write while that writer is alive leaves its file alone.
            $null = New-SaleschatClientKey -Path $target -Force
            [IO.File]::Exists($temporary) | Should -BeTrue

            $child.Process.Kill()
            $child.Process.WaitForExit(10000) | Should -BeTrue
            [IO.File]::Exists($temporary) | Should -BeTrue

            $null = New-SaleschatClientKey -Path $target -Force
            [IO.File]::Exists($temporary) | Should -BeFalse
            @([IO.Directory]::GetFiles($dir, '*.tmp')) | Should -HaveCount 0
        }
        finally {
            if (-not $child.Process.HasExited) { $child.Process.Kill() }
            $null = Stop-TestPwsh -Child $child -TimeoutSec 10
        }
    }

    It 'leaves temporary files of other targets alone' {
        $dir = Join-Path $TestDrive 'others'
        $null = New-Item -ItemType Directory -Path $dir
        $other = Join-Path $dir '.client.key.bak.0123abcd.tmp'
        [IO.File]::WriteAllText($other, 'not ours')
        $null = New-SaleschatClientKey -Path (Join-Path $dir 'client.key')
        [IO.File]::Exists($other) | Should -BeTrue
    }
}

Describe 'Only regular files of sane size are read' -Tag 'CI', 'Slow' -Skip:($IsWindows) {
    BeforeAll {
        $fifo = Join-Path $TestDrive 'pipe.pem'
        & mkfifo $fifo
        $big = Join-Path $TestDrive 'big.key'
        $stream = [IO.File]::Create($big); $stream.SetLength(2MB); $stream.Dispose()
        $crt = Join-Path $TestDrive 'regular.crt'
        $null = New-SaleschatClientCertificate -KeyPath $keyPath -Organization Acme -Path $crt
        # One child with a deadline runs every case: before the fix each hung forever (FIFO) or ran on to an
        # OutOfMemoryException (/dev/zero), which in this process would have hung or killed the suite.
        $nonRegular = Invoke-TestPwsh -TimeoutSec 180 -Command @"
Import-Module '$manifest'
`$cases = [ordered]@{
    'a FIFO as -Path' = { Get-SaleschatClientCertificate -Path '$fifo' -ErrorAction Stop }
    'a FIFO as -KeyPath' = { Get-SaleschatClientCertificate -Path '$crt' -KeyPath '$fifo' -ErrorAction Stop }
    'a FIFO as -CertificatePath' = { New-SaleschatSession -BaseUri https://127.0.0.1:9 -OrgId o -CertificatePath '$fifo' -KeyPath '$keyPath' -ErrorAction Stop }
    '/dev/zero as -Path' = { Get-SaleschatClientCertificate -Path /dev/zero -ErrorAction Stop }
    '/dev/zero as -KeyPath' = { New-SaleschatClientCertificate -KeyPath /dev/zero -Organization Acme -ErrorAction Stop }
}
foreach (`$label in `$cases.Keys) {
    try { `$null = & `$cases[`$label]; "`$label|no error" } catch { "`$label|`$(`$_.FullyQualifiedErrorId)|`$(`$_.Exception.Message)" }
}
"@
    }

    It 'refuses <Label> at once with NotARegularFile instead of hanging or exhausting memory' -TestCases @(
        @{ Label = 'a FIFO as -Path'; Kind = 'FIFO' }
        @{ Label = 'a FIFO as -KeyPath'; Kind = 'FIFO' }
        @{ Label = 'a FIFO as -CertificatePath'; Kind = 'FIFO' }
        @{ Label = '/dev/zero as -Path'; Kind = 'character device' }
        @{ Label = '/dev/zero as -KeyPath'; Kind = 'character device' }
    ) {
        $nonRegular.TimedOut | Should -BeFalse -Because $nonRegular.StdErr
        $line = @($nonRegular.StdOut -split "`n" | Where-Object { $_.StartsWith("$Label|") })
        $line | Should -HaveCount 1 -Because $nonRegular.StdOut
        $line[0] | Should -Match "^$([regex]::Escape($Label))\|NotARegularFile,"
        $line[0] | Should -Match ([regex]::Escape($Kind))
    }

    It 'says a folder is a folder, not that it does not exist (<Parameter>)' -TestCases @(
        @{ Parameter = 'Path' }
        @{ Parameter = 'KeyPath' }
    ) {
        $arguments = @{ Path = $crt; KeyPath = $keyPath }
        $arguments[$Parameter] = $TestDrive
        { Get-SaleschatClientCertificate @arguments -ErrorAction Stop } | Should -Throw -ErrorId "NotARegularFile,$getCert"
        $err = $null
        $null = Get-SaleschatClientCertificate @arguments -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].Exception.Message | Should -Match 'is a folder'
        $err[0].Exception.Message | Should -Not -Match 'does not exist'
        $err[0].TargetObject | Should -Be $TestDrive
    }

    It 'refuses to write a key over a folder, naming it' {
        { New-SaleschatClientKey -Path $TestDrive -Force -ErrorAction Stop } | Should -Throw -ErrorId "NotARegularFile,$newKey"
    }

    It 'caps what it reads: a 2 MiB key file is FileTooLarge' {
        { Get-SaleschatClientCertificate -Path $crt -KeyPath $big -ErrorAction Stop } | Should -Throw -ErrorId "FileTooLarge,$getCert"
    }

    It 'reports a file-system failure as FileWriteFailed (WriteError) with the path as target' {
        $err = $null
        try { New-SaleschatClientKey -Path '/sys/saleschat.key' -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be "FileWriteFailed,$newKey"
        $err.CategoryInfo.Category | Should -Be 'WriteError'
        $err.TargetObject | Should -Be '/sys/saleschat.key'
    }
}

Describe 'Input the module refuses with its own errors' -Tag 'CI' {
    It 'gives InvalidPath for a NUL in <Parameter>' -TestCases @(
        @{ Parameter = 'New-SaleschatClientKey -Path'; Script = { New-SaleschatClientKey -Path "a`0b.key" -ErrorAction Stop }; Command = 'Saleschat.Mtls.Cmdlets.NewSaleschatClientKeyCommand' }
        @{ Parameter = 'Get-SaleschatClientCertificate -Path'; Script = { Get-SaleschatClientCertificate -Path "a`0b.crt" -ErrorAction Stop }; Command = 'Saleschat.Mtls.Cmdlets.GetSaleschatClientCertificateCommand' }
        @{ Parameter = 'New-SaleschatClientCertificate -KeyPath'; Script = { New-SaleschatClientCertificate -KeyPath "a`0b.key" -Organization Acme -ErrorAction Stop }; Command = 'Saleschat.Mtls.Cmdlets.NewSaleschatClientCertificateCommand' }
    ) {
        $Script | Should -Throw -ErrorId "InvalidPath,$Command"
    }

    It 'refuses an empty -Password and writes no key' {
        $path = Join-Path $TestDrive 'empty-password.key'
        { New-SaleschatClientKey -Path $path -Password ([securestring]::new()) -ErrorAction Stop } |
            Should -Throw -ErrorId "EmptyPassword,$newKey"
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'refuses <Label> with InvalidSubject' -TestCases @(
        @{ Label = 'NUL in -Subject'; Arguments = @{ Subject = "/O=Acme/CN=a`0b" } }
        @{ Label = 'CR/LF in -Subject'; Arguments = @{ Subject = "/O=Acme/CN=a`r`nX-Injected: 1" } }
        @{ Label = 'LF in -Subject (RFC 4514 form)'; Arguments = @{ Subject = "CN=a`nb, O=Acme" } }
        @{ Label = 'ESC in -Subject'; Arguments = @{ Subject = "/CN=a$([char]27)[31mred" } }
        @{ Label = 'U+202E in -Subject'; Arguments = @{ Subject = "/CN=invoice$([char]0x202E)txt.exe" } }
        @{ Label = 'U+2066 in -Organization'; Arguments = @{ Organization = "Acme$([char]0x2066)" } }
        @{ Label = 'U+200F in -CommonName'; Arguments = @{ CommonName = "a$([char]0x200F)b" } }
        @{ Label = 'CR in -Locality'; Arguments = @{ Organization = 'Acme'; Locality = "Mum`rbai" } }
        @{ Label = 'a lone surrogate in -State'; Arguments = @{ Organization = 'Acme'; State = "M$([char]0xD800)h" } }
        @{ Label = 'a three-letter -Country'; Arguments = @{ Organization = 'Acme'; Country = 'IND' } }
        @{ Label = 'a digit in C='; Arguments = @{ Subject = '/C=I1/O=Acme' } }
    ) {
        { New-SaleschatClientCertificate -KeyPath $keyPath @Arguments -ErrorAction Stop } | Should -Throw -ErrorId "InvalidSubject,$newCert"
    }

    It 'encodes C as PrintableString and what PrintableString or IA5String cannot hold as UTF8String, never "?"' {
        $cert = New-SaleschatClientCertificate -KeyPath $keyPath -Subject '/C=IN/serialNumber=Zoë_1/emailAddress=zoë@acme.example/O=Acmé/CN=#0403616263'
        $cert.SubjectName.Format($false) | Should -Not -Match '\?'
        $reader = [System.Formats.Asn1.AsnReader]::new($cert.SubjectName.RawData, 'DER')
        $types = @{}
        $rdns = $reader.ReadSequence()
        while ($rdns.HasData) {
            $attribute = $rdns.ReadSetOf().ReadSequence()
            $oid = $attribute.ReadObjectIdentifier()
            $tag = $attribute.PeekTag()
            $types[$oid] = @($tag.TagValue, $attribute.ReadCharacterString([System.Formats.Asn1.UniversalTagNumber]$tag.TagValue))
        }
        $types['2.5.4.6'][0] | Should -Be ([int][System.Formats.Asn1.UniversalTagNumber]::PrintableString)
        $types['2.5.4.6'][1] | Should -BeExactly 'IN'
        $types['2.5.4.5'][0] | Should -Be ([int][System.Formats.Asn1.UniversalTagNumber]::UTF8String)
        $types['2.5.4.5'][1] | Should -BeExactly 'Zoë_1'
        $types['1.2.840.113549.1.9.1'][1] | Should -BeExactly 'zoë@acme.example'
        $types['2.5.4.10'][1] | Should -BeExactly 'Acmé'
        # A leading '#' is text, not hex-encoded DER.
        $types['2.5.4.3'][1] | Should -BeExactly '#0403616263'
    }

    It 'keeps PrintableString for a serialNumber PrintableString can hold' {
        $cert = New-SaleschatClientCertificate -KeyPath $keyPath -Subject '/serialNumber=AB-12/CN=Acme'
        $reader = [System.Formats.Asn1.AsnReader]::new($cert.SubjectName.RawData, 'DER').ReadSequence()
        $attribute = $reader.ReadSetOf().ReadSequence()
        $attribute.ReadObjectIdentifier() | Should -Be '2.5.4.5'
        $attribute.PeekTag().TagValue | Should -Be ([int][System.Formats.Asn1.UniversalTagNumber]::PrintableString)
    }

    It 'refuses to write the certificate over its own key, even with -Force' {
        $key = Join-Path $TestDrive 'self.key'
        $null = New-SaleschatClientKey -Path $key
        $before = Get-Sha256 $key
        { New-SaleschatClientCertificate -KeyPath $key -Organization Acme -Path $key -Force -ErrorAction Stop } |
            Should -Throw -ErrorId "WouldReplacePrivateKey,$newCert"
        Get-Sha256 $key | Should -Be $before
        $null = New-SaleschatClientCertificate -KeyPath $key -Organization Acme   # the key still loads
    }

    # Windows PowerShell 5.1's `>` and Out-File write UTF-16 with a byte order mark: the key is still a key.
    It 'refuses to write a certificate over a key saved as <Encoding>, even with -Force' -TestCases @(
        @{ Encoding = 'UTF-16 LE'; Bom = $true; Name = 'Unicode' }
        @{ Encoding = 'UTF-16 BE'; Bom = $true; Name = 'BigEndianUnicode' }
        @{ Encoding = 'UTF-8 with a BOM and CRLF'; Bom = $true; Name = 'UTF8' }
    ) {
        $key = Join-Path $TestDrive "saved-as-$Name.key"
        $pem = (New-SaleschatClientKey -Path (Join-Path $TestDrive "source-$Name.key")).Path | ForEach-Object { [IO.File]::ReadAllText($_) }
        [IO.File]::WriteAllText($key, ($pem -replace "`r?`n", "`r`n"), [Text.Encoding]::GetEncoding(@{ Unicode = 'utf-16'; BigEndianUnicode = 'utf-16BE'; UTF8 = 'utf-8' }[$Name]))
        $before = Get-Sha256 $key
        { New-SaleschatClientCertificate -KeyPath $keyPath -Organization Acme -Path $key -Force -ErrorAction Stop } |
            Should -Throw -ErrorId "WouldReplacePrivateKey,$newCert"
        Get-Sha256 $key | Should -Be $before
    }

    It 'refuses to write a certificate or a request over a PFX (a key in binary), even with -Force' {
        $pfx = Join-Path $TestDrive 'only-copy.pfx'
        $null = New-SaleschatClientKey | New-SaleschatClientCertificate -Organization Acme | Export-SaleschatClientCertificate -Format Pfx -Path $pfx -KeyPassword (New-TestSecret 'pfx-pass')
        $before = Get-Sha256 $pfx
        { New-SaleschatClientCertificate -KeyPath $keyPath -Organization Acme -Path $pfx -Force -ErrorAction Stop } |
            Should -Throw -ErrorId "WouldReplacePrivateKey,$newCert"
        { New-SaleschatCertificateRequest -KeyPath $keyPath -Organization Acme -Path $pfx -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'WouldReplacePrivateKey,Saleschat.Mtls.Cmdlets.NewSaleschatCertificateRequestCommand'
        Get-Sha256 $pfx | Should -Be $before
    }

    It 'refuses to export a certificate over a file holding a private key, even with -Force' {
        $key = Join-Path $TestDrive 'export-over.key'
        $cert = New-SaleschatClientKey -Path $key | New-SaleschatClientCertificate -Organization Acme
        $before = Get-Sha256 $key
        { $cert | Export-SaleschatClientCertificate -Path $key -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'WouldReplacePrivateKey,Saleschat.Mtls.Cmdlets.ExportSaleschatClientCertificateCommand'
        Get-Sha256 $key | Should -Be $before
    }

    It 'says a damaged certificate block is damaged, not missing (<Label>)' -TestCases @(
        @{ Label = 'a changed character in the PEM body'; Damage = { param($pem) $pem.Substring(0, 100) + '!' + $pem.Substring(101) }; Expected = 'damaged' }
        @{ Label = 'no END line'; Damage = { param($pem) $pem.Substring(0, $pem.IndexOf('-----END')) }; Expected = 'END CERTIFICATE' }
        @{ Label = 'truncated base64 of the PEM'; Damage = { param($pem) [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes($pem)).Substring(0, 301) }; Expected = 'base64' }
    ) {
        $pem = New-SaleschatClientCertificate -KeyPath $keyPath -Organization Acme | Export-SaleschatClientCertificate
        $damaged = & $Damage $pem
        $err = $null
        $null = Get-SaleschatClientCertificate -Pem $damaged -ErrorAction SilentlyContinue -ErrorVariable err
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be "InvalidCertificatePem,$getCert"
        $err[0].Exception.Message | Should -Match $Expected
        $err[0].Exception.Message | Should -Not -Match 'holds no -----BEGIN CERTIFICATE----- block'
    }
}
