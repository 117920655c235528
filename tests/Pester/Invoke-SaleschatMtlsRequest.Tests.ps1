# Invoke-SaleschatMtlsRequest: the API call itself — org from the session, JSON in and out, errors as designed
# records, streaming to disk, timeouts, Ctrl+C, and no secret in anything a user or a log can see.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    $null = New-TestSession -Emulator $emulator -Pair $pair   # the default session from here on
    $cmdlet = 'Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'

    # Everything a user running Script in a real shell (pwsh -File) sees on screen or in a log: output, errors,
    # warnings, verbose and debug lines. The emulator's addresses and the client pair come in as arguments.
    function Invoke-VisibleRun([string] $Script, [hashtable] $Environment = @{}) {
        $file = Join-Path $TestDrive "visible-$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content -LiteralPath $file -Value ("param(`$BaseUri, `$CaPath, `$CertificatePath, `$KeyPath)`n" +
            "`$ErrorActionPreference = 'Continue'`nImport-Module Saleschat.Mtls`n" +
            "`$ca = [Security.Cryptography.X509Certificates.X509Certificate2]::new(`$CaPath)`n" + $Script)
        $run = Invoke-TestPwsh -File $file -ArgumentList $emulator.BaseUri, $emulator.CaPath, $pair.CertificatePath, $pair.KeyPath -ModuleOnPath -Environment $Environment
        $run.TimedOut | Should -BeFalse
        $run
    }
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'Invoke-SaleschatMtlsRequest calls the API' -Tag 'CI' {
    It 'creates and reads a contact, with the org from the session' {
        $created = Invoke-SaleschatMtlsRequest -Method Post -Path '/v2/org/{orgId}/contact' -Body @{ name = 'Asha'; phone = (New-TestPhone); tags = @('vip', 'mumbai') }
        $created | Should -HaveCount 1
        $created.orgId | Should -BeExactly 'org-1'
        $created.name | Should -BeExactly 'Asha'

        $read = Invoke-SaleschatMtlsRequest "/v1/orgs/{orgId}/contact/$($created.id)"
        $read.id | Should -BeExactly $created.id
    }

    It 'turns bodies of any depth into JSON and JSON answers into objects' {
        $deep = @{ level = 0 }; $cur = $deep
        foreach ($i in 1..12) { $next = @{ level = $i }; $cur.child = $next; $cur = $next }
        $echo = Invoke-SaleschatMtlsRequest -Method Put '/__faults/echo' -Body ([pscustomobject]@{ deep = $deep; list = @(1, 'two', $true, $null); when = [datetime]'2026-01-02T03:04:05Z' }) -Query @{ q = 'a b&c'; tag = @('x', 'y') }

        $echo.method | Should -BeExactly 'PUT'
        $node = $echo.body.deep
        foreach ($i in 1..12) { $node = $node.child }
        $node.level | Should -Be 12
        $node.level | Should -BeOfType [long]
        $list = $echo.body.list
        $list | Should -HaveCount 4
        $list[0] | Should -Be 1
        $list[0] | Should -BeOfType [long]
        $list[1] | Should -BeExactly 'two'
        $list[2] | Should -BeTrue
        $list[2] | Should -BeOfType [bool]
        $list[3] | Should -BeNullOrEmpty
        $null -eq $list[3] | Should -BeTrue
        "$($echo.query.q)" | Should -BeExactly 'a b&c'
        $echo.contentType | Should -BeLike '*application/json*'
    }

    It 'sends strings as they are and keeps text answers as text' {
        $echo = Invoke-SaleschatMtlsRequest -Method Post '/__faults/echo' -Body '{"raw":true}'
        $echo.body.raw | Should -BeTrue
        $echo.body.raw | Should -BeOfType [bool]
        $text = Invoke-SaleschatMtlsRequest '/__faults/text'
        $text | Should -BeExactly 'plain text body'
        $text | Should -BeOfType [string]
    }

    It 'hands over a JSON answer with a property no PowerShell object can hold (''<Name>'') as its text, with a warning that says how to read it' -TestCases @(
        @{ Name = 'PSObject'; Why = "property named 'PSObject', which PowerShell reserves" }
        @{ Name = 'psbase'; Why = "property named 'psbase', which PowerShell reserves" }
        @{ Name = 'PSTypeNames'; Why = "property named 'PSTypeNames', which PowerShell reserves" }
        @{ Name = ''; Why = 'property with an empty name, which a PowerShell object cannot hold' }
    ) {
        # As a note property the name would replace PowerShell's own member and silently empty $o.psobject.Properties.
        $answer = Invoke-SaleschatMtlsRequest -Method Post '/__faults/echo' -Body "{""$Name"":""data"",""a"":2}" -WarningVariable warned -WarningAction SilentlyContinue -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $answer | Should -HaveCount 1
        $answer | Should -BeOfType [string]
        ($answer | ConvertFrom-Json -AsHashtable).body[$Name] | Should -BeExactly 'data'
        $warned | Should -HaveCount 1
        "$warned" | Should -Match ([regex]::Escape($Why))
        "$warned" | Should -Match 'ConvertFrom-Json -AsHashtable'
    }

    It 'refuses an absolute URL to another host with ForeignHostRefused, so the key cannot leak' {
        { Invoke-SaleschatMtlsRequest 'https://example.com/steal' -ErrorAction Stop } | Should -Throw -ErrorId "ForeignHostRefused,$cmdlet"
    }
}

Describe 'Invoke-SaleschatMtlsRequest reports API errors as designed records' -Tag 'CI' {
    It 'makes a duplicate a SaleschatApiError record with the status and Saleschat''s code' {
        $phone = New-TestPhone
        $null = Invoke-SaleschatMtlsRequest -Method Post '/v2/org/{orgId}/contact' -Body @{ phone = $phone }

        $result = Invoke-SaleschatMtlsRequest -Method Post '/v2/org/{orgId}/contact' -Body @{ phone = $phone } -ErrorAction SilentlyContinue -ErrorVariable failure

        $result | Should -BeNullOrEmpty
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "SaleschatApiError,$cmdlet"
        $failure[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $failure[0].Exception.StatusCode | Should -Be 409
        $failure[0].Exception.SaleschatCode | Should -Be 4090001
        $failure[0].Exception.SaleschatMessage | Should -BeExactly 'UQ_CONSTRAINT_FAILED'
        $failure[0].Exception.Message | Should -BeLike '*POST*'
        $failure[0].ErrorDetails.Message | Should -BeLike '*4090001*'
        $failure[0].TargetObject.ToString() | Should -BeLike '*/v2/org/org-1/contact'
    }

    It 'maps <Status> on <Path> to <Category> with code <Code>' -TestCases @(
        @{ Path = '/v1/orgs/{orgId}/contact/does-not-exist'; Status = 404; Category = 'ObjectNotFound'; Code = 4040001 }
        @{ Path = '/v1/orgs/org-other/contact/x'; Status = 403; Category = 'PermissionDenied'; Code = 4030001 }
    ) {
        $null = Invoke-SaleschatMtlsRequest $Path -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure | Should -HaveCount 1
        $failure[0].CategoryInfo.Category | Should -Be $Category
        $failure[0].Exception.StatusCode | Should -Be $Status
        $failure[0].Exception.SaleschatCode | Should -Be $Code
    }

    It 'bounds each attempt by -TimeoutSec (RequestTimedOut)' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = Invoke-SaleschatMtlsRequest '/__faults/slow?ms=5000' -TimeoutSec 1 -MaximumRetryCount 0 -ErrorAction SilentlyContinue -ErrorVariable failure
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 4
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "RequestTimedOut,$cmdlet"
        $failure[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
    }
}

Describe 'Invoke-SaleschatMtlsRequest -OutFile' -Tag 'CI' {
    It 'streams a 64 MiB body to disk and writes nothing to the pipeline' {
        $folder = Join-Path $TestDrive 'export'
        $null = New-Item -ItemType Directory -Path $folder
        $file = Join-Path $folder 'export.bin'
        $size = 64 * 1024 * 1024

        $output = Invoke-SaleschatMtlsRequest "/__faults/large?bytes=$size" -OutFile $file

        $output | Should -BeNullOrEmpty
        (Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be @('export.bin')
        $stream = [IO.File]::OpenRead($file)
        try {
            $stream.Length | Should -Be $size
            foreach ($offset in @(0, 250, 251, 1000003, ($size - 1))) {
                $stream.Position = $offset
                $stream.ReadByte() | Should -Be ($offset % 251)
            }
        }
        finally { $stream.Dispose() }
    }

    It 'fails with DirectoryNotFound before any request when the folder is missing' {
        $before = (Get-EmulatorStats $emulator).requests
        $missing = [IO.Path]::Combine($TestDrive, [guid]::NewGuid().ToString('n'), 'out.txt')

        $null = Invoke-SaleschatMtlsRequest '/__faults/text' -OutFile $missing -ErrorAction SilentlyContinue -ErrorVariable failure

        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "DirectoryNotFound,$cmdlet"
        $failure[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        (Get-EmulatorStats $emulator).requests | Should -Be $before
    }

    It 'never overwrites an existing file without -Force, and sends nothing' {
        $file = Join-Path $TestDrive 'important.txt'
        [IO.File]::WriteAllText($file, 'precious')
        $before = (Get-EmulatorStats $emulator).requests

        $null = Invoke-SaleschatMtlsRequest '/__faults/text' -OutFile $file -ErrorAction SilentlyContinue -ErrorVariable failure

        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "OutputFileExists,$cmdlet"
        $failure[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $failure[0].TargetObject | Should -Be $file
        [IO.File]::ReadAllText($file) | Should -BeExactly 'precious'
        (Get-EmulatorStats $emulator).requests | Should -Be $before
    }

    It 'never replaces a private key with an answer, even with -Force, and sends nothing' {
        $key = Join-Path $TestDrive 'outfile-key.key'
        $null = New-SaleschatClientKey -Path $key
        $before = (Get-EmulatorStats $emulator).requests
        $original = [IO.File]::ReadAllText($key)

        $null = Invoke-SaleschatMtlsRequest '/__faults/text' -OutFile $key -Force -ErrorAction SilentlyContinue -ErrorVariable failure

        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "WouldReplacePrivateKey,$cmdlet"
        $failure[0].Exception.Message | Should -Match '-OutFile'
        [IO.File]::ReadAllText($key) | Should -BeExactly $original
        (Get-EmulatorStats $emulator).requests | Should -Be $before
    }

    It 'replaces an existing file with -Force' {
        $file = Join-Path $TestDrive 'replace.bin'
        [IO.File]::WriteAllText($file, 'old')
        Invoke-SaleschatMtlsRequest '/__faults/large?bytes=1000' -OutFile $file -Force
        (Get-Item -LiteralPath $file).Length | Should -Be 1000
    }
}

Describe 'Invoke-SaleschatMtlsRequest stops at once when stopped (Ctrl+C)' -Tag 'CI' {
    It 'cancels the call in flight: Stop-Job on a thread job runs the same StopProcessing as Ctrl+C' {
        $session = New-TestSession -Emulator $emulator -Pair $pair -Extra @{ NoDefault = $true }
        $key = New-TestRequestKey
        $manifest = Get-TestModuleManifest
        $job = Start-ThreadJob -ScriptBlock {
            Import-Module $using:manifest
            Invoke-SaleschatMtlsRequest -Session $using:session "/__faults/slow?ms=20000&key=$($using:key)" -TimeoutSec 60
        }
        try {
            Wait-Until { (Get-EmulatorAttempts $emulator $key) -ge 1 } -TimeoutSec 15 -Because 'the slow request to reach the emulator'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Stop-Job $job
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            $job.State | Should -Be 'Stopped'
        }
        finally { Remove-Job $job -Force }
    }
}

Describe 'In a real shell (pwsh -File): no session, and no secret in anything a user sees' -Tag 'CI', 'Slow' {
    BeforeAll {
        $bad = 'sk_wrong_Qm4Jx9Lp2Vb7Nc5Hd8'
        # One child shell for the three checks (a pwsh start costs seconds here); each part prints a marker first,
        # so each It reads only what its part showed. The first part runs before any session exists.
        $visible = Invoke-VisibleRun -Environment @{ TEST_BAD_KEY = $bad; TEST_KEY = (Get-TestApiKeyText) } -Script @'
'### no-session'
try { Invoke-SaleschatMtlsRequest '/v2/org/{orgId}/contact' -ErrorAction Stop; 'NO ERROR' }
catch { 'ID=' + $_.FullyQualifiedErrorId; 'MESSAGE=' + $_.Exception.Message }
$Error.Clear()
[Console]::Out.Flush(); [Console]::Error.WriteLine('### wrong-key'); '### wrong-key'
$s = New-SaleschatSession -BaseUri $BaseUri -OrgId org-1 -ApiKey (ConvertTo-SecureString $env:TEST_BAD_KEY -AsPlainText -Force) -CertificatePath $CertificatePath -KeyPath $KeyPath -ServerCertificateAuthority $ca -NoDefault -Verbose
$env:TEST_BAD_KEY = $null
$s | Out-Default; "$s"
Invoke-SaleschatMtlsRequest -Session $s '/v2/org/{orgId}/contact' -Verbose -Debug
$Error | ForEach-Object { $_.ToString(); $_.Exception.ToString(); $_.ErrorDetails.Message }
$Error.Clear()
[Console]::Out.Flush(); [Console]::Error.WriteLine('### every-stream'); '### every-stream'
$s = New-SaleschatSession -BaseUri $BaseUri -OrgId org-1 -ApiKey (ConvertTo-SecureString $env:TEST_KEY -AsPlainText -Force) -CertificatePath $CertificatePath -KeyPath $KeyPath -ServerCertificateAuthority $ca -RetryIntervalSec 0 -Verbose
$env:TEST_KEY = $null
$s | Out-Default; $s.psobject.Properties | ForEach-Object { $_.Name + '=' + $_.Value }
$e = Invoke-SaleschatMtlsRequest -Method Post '/__faults/echo' -Body @{ a = 1 } -Headers @{ 'X-Trace' = 'abc' } -Verbose -Debug
$e | Out-Default
$e.headers.psobject.Properties | ForEach-Object { $_.Name + ': ' + $_.Value }
Invoke-SaleschatMtlsRequest '/__faults/status/500?times=5' -MaximumRetryCount 1 -Verbose
$Error | ForEach-Object { $_.ToString(); $_.Exception.ToString() }
Test-SaleschatMtls -Verbose | Out-Default
'@
        # stdout and stderr each carry the markers; a part is its stretch of both.
        function Get-Part([string] $Name, [string] $Next) {
            $parts = foreach ($stream in $visible.StdOut, $visible.StdErr) {
                $from = $stream.IndexOf("### $Name")
                if ($from -lt 0) { continue }
                $to = if ($Next) { $stream.IndexOf("### $Next", $from) } else { -1 }
                if ($to -lt 0) { $stream.Substring($from) } else { $stream.Substring($from, $to - $from) }
            }
            $parts -join "`n"
        }
        $noSession = Get-Part 'no-session' 'wrong-key'
        $wrongKey = Get-Part 'wrong-key' 'every-stream'
        $everyStream = Get-Part 'every-stream'
    }

    It 'says what to do when there is no session (NoSaleschatSession)' {
        $lines = $noSession -split "`r?`n"
        $lines | Should -Contain "ID=NoSaleschatSession,$cmdlet"
        ($lines | Where-Object { $_ -like 'MESSAGE=*' }) | Should -BeLike '*New-SaleschatSession*'
    }

    It 'makes a wrong API key a 401 SecurityError, and never shows either key' {
        $session = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId org-1 -ApiKey (Get-TestApiKey $bad) -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ServerCertificateAuthority $emulator.CaCertificate -NoDefault
        $null = Invoke-SaleschatMtlsRequest -Session $session '/v2/org/{orgId}/contact' -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure | Should -HaveCount 1
        $failure[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $failure[0].Exception.SaleschatCode | Should -Be 4010001

        $wrongKey | Should -BeLike '*4010001*'   # the shell did reach the API and failed as expected
        $wrongKey | Should -Not -BeLike "*$bad*"
        $wrongKey | Should -Not -BeLike "*$(Get-TestApiKeyText)*"
        $wrongKey | Should -BeLike '*HasApiKey*'
    }

    It 'never shows the API key or the private key in any stream' {
        $everyStream | Should -BeLike '*VERBOSE:*'
        $everyStream | Should -BeLike '*X-Trace: abc*'   # the shell did reach the echo
        $everyStream | Should -Not -BeLike "*$(Get-TestApiKeyText)*"
        Test-ContainsKeyMaterial -Text $everyStream -KeyPem ([IO.File]::ReadAllText($pair.KeyPath)) | Should -BeFalse
        $everyStream | Should -BeLike '*`[redacted`]*'   # the echo saw an Authorization header, and showed no value
    }
}
