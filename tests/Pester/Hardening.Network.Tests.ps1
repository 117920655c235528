# Hostile servers and careless inputs are bounded (network and memory): session switches never strand
# a caller, bodies held in memory or written to disk have limits, server text cannot drive the terminal, headers and
# API keys cannot inject, -OutFile reports file-system failures as such, and a custom CA vouches only for servers.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator
    $session = New-TestSession -Emulator $emulator -Pair $pair
    $invoke = 'Saleschat.Mtls.Cmdlets.InvokeSaleschatMtlsRequestCommand'
    $newSession = 'Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand'
    $isRoot = (& id -u) -eq '0'

    function Get-RequestCount { [long](Get-EmulatorStats -Emulator $emulator).requests }

    # Every character a terminal would act on: C0 (but tab and newlines), DEL, C1, and the bidi controls.
    $controlPattern = '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]'

    # A tmpfs of the given size and options, or $null when this machine does not allow mounting (not root).
    function Mount-TestTmpfs([string] $Path, [string] $Options) {
        $null = [IO.Directory]::CreateDirectory($Path)
        if (-not $isRoot) { return $null }
        $null = & mount -t tmpfs -o $Options tmpfs $Path 2>&1
        if ($LASTEXITCODE -ne 0) { return $null }
        $Path
    }

    # A script for a child `pwsh -File` that opens this file's session and downloads Path to Target with -OutFile.
    function New-DownloadScript([string] $Name, [string] $Path, [string] $Target) {
        $script = Join-Path $TestDrive $Name
        Set-Content -LiteralPath $script -Value @"
Import-Module '$(Get-TestModuleManifest)'
`$null = New-SaleschatSession -BaseUri '$($emulator.BaseUri)' -OrgId '$($emulator.OrgId)' -ApiKey (ConvertTo-SecureString '$($emulator.ApiKey)' -AsPlainText -Force) -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)' -ServerCertificateAuthority ([Security.Cryptography.X509Certificates.X509Certificate2]::new('$($emulator.CaPath)'))
Invoke-SaleschatMtlsRequest '$Path' -OutFile '$Target'
"@
        $script
    }

    # Kills a child started with Invoke-TestPwsh -NoWait (and its children) if it still runs, and lets it go.
    function Stop-TestProcess {
        param([Parameter(ValueFromPipeline)] [Diagnostics.Process] $Process)
        process {
            if (-not $Process) { return }
            try { if (-not $Process.HasExited) { $Process.Kill($true) } ; $null = $Process.WaitForExit(10000) } catch { }
            $Process.Dispose()
        }
    }
}

AfterAll {
    foreach ($mount in @($script:mounts)) { if ($mount) { $null = & umount $mount 2>&1 } }
    Stop-TestEmulator $emulator
}

Describe 'A session switch never strands a caller' -Tag 'CI', 'Slow' {
    It 'moves a running pipeline (-ThrottleLimit <Throttle>) to the new certificate''s pool, and every call succeeds' -TestCases @(
        @{ Throttle = 1 }
        @{ Throttle = 4 }
    ) {
        $folder = Join-Path $TestDrive "switch-$Throttle"
        $own = New-TestClientPair -Folder $folder -Emulator $emulator
        $shared = New-TestSession -Emulator $emulator -Pair $own -Extra @{ NoDefault = $true }
        $reached = [Threading.ManualResetEventSlim]::new($false)
        $resume = [Threading.ManualResetEventSlim]::new($false)
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $pipeline = [powershell]::Create()
        $pipeline.Runspace = $runspace
        try {
            $null = $pipeline.AddScript({
                param($Manifest, $Session, $Reached, $Resume, $Throttle)
                Import-Module $Manifest
                $failures = [Collections.Generic.List[object]]::new()
                $results = 1..150 | ForEach-Object {
                    if ($_ -eq 50) { $Reached.Set(); $null = $Resume.Wait(60000) }
                    @{ item = $_ }
                } | Invoke-SaleschatMtlsRequest -Session $Session -Method Post '/__faults/echo' -ThrottleLimit $Throttle -ErrorAction SilentlyContinue -ErrorVariable +failures
                [pscustomobject]@{ Results = @($results).Count; Errors = @($failures | ForEach-Object { $_.FullyQualifiedErrorId + ': ' + $_.Exception.Message }) }
            }).AddArgument((Get-TestModuleManifest)).AddArgument($shared).AddArgument($reached).AddArgument($resume).AddArgument($Throttle)
            $async = $pipeline.BeginInvoke()
            $reached.Wait(60000) | Should -BeTrue -Because 'the pipeline reaches its 50th item'

            $next = Start-SaleschatCertificateRotation -CertificatePath $own.CertificatePath -KeyPath $own.KeyPath
            Add-EmulatorCertificate -Emulator $emulator -Certificate $next.NextCertificatePath
            $null = Complete-SaleschatCertificateRotation -Session $shared -CertificatePath $own.CertificatePath -KeyPath $own.KeyPath -Confirm:$false
            $connectionsAfterSwitch = [long](Get-EmulatorStats -Emulator $emulator).tlsConnections
            $resume.Set()

            $async.AsyncWaitHandle.WaitOne(120000) | Should -BeTrue -Because 'the pipeline finishes'
            $outcome = $pipeline.EndInvoke($async)[0]
            $outcome.Errors | Should -BeNullOrEmpty
            $outcome.Results | Should -Be 150
            # The rest of the pipeline ran on the new certificate's pool: it had to open a connection of its own.
            [long](Get-EmulatorStats -Emulator $emulator).tlsConnections | Should -BeGreaterThan $connectionsAfterSwitch
            $shared.Thumbprint | Should -Be $next.NextCertificate.Thumbprint
        }
        finally {
            $resume.Set()
            $pipeline.Dispose(); $runspace.Dispose()
            $shared.Dispose()
        }
    }
}

Describe 'Bodies a server sends are bounded' -Tag 'CI' {
    It 'stops an endless body at -MaximumResponseSize with ResponseTooLarge' {
        $failure = $null
        $null = Invoke-SaleschatMtlsRequest '/__faults/endless' -MaximumResponseSize 4MB -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "ResponseTooLarge,$invoke"
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $failure[0].Exception.Message | Should -Match '4 MiB.*-MaximumResponseSize'
    }

    It 'stops an endless body at 256 MiB by default' {
        { Invoke-SaleschatMtlsRequest '/__faults/endless' -ErrorAction Stop } | Should -Throw -ErrorId "ResponseTooLarge,$invoke"
    }

    It 'refuses a body whose declared length is over the limit without reading it' {
        { Invoke-SaleschatMtlsRequest '/__faults/large?bytes=8388608' -MaximumResponseSize 1MB -ErrorAction Stop } |
            Should -Throw -ErrorId "ResponseTooLarge,$invoke"
    }

    It 'stops a gzip bomb in memory by its ratio' {
        $failure = $null
        $null = Invoke-SaleschatMtlsRequest '/__faults/gzipbomb?bytes=1073741824' -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "ResponseTooLarge,$invoke"
        $failure[0].Exception.Message | Should -Match 'compression bomb'
    }

    It 'stops a gzip bomb written with -OutFile, and leaves neither the file nor a part' {
        $folder = Join-Path $TestDrive 'bomb'
        $null = New-Item -ItemType Directory $folder
        $target = Join-Path $folder 'bomb.json'
        { Invoke-SaleschatMtlsRequest '/__faults/gzipbomb?bytes=1073741824' -OutFile $target -ErrorAction Stop } |
            Should -Throw -ErrorId "ResponseTooLarge,$invoke"
        Get-ChildItem -Force $folder | Should -BeNullOrEmpty
    }

    It 'still inflates an honest gzip answer with -OutFile' {
        $target = Join-Path $TestDrive 'zeros.bin'
        Invoke-SaleschatMtlsRequest '/__faults/gzipbomb?bytes=1048576' -OutFile $target
        (Get-Item $target).Length | Should -Be 1048576
    }

    It 'reads a large JSON answer into objects' {
        $items = Invoke-SaleschatMtlsRequest '/__faults/json?bytes=2000000'
        $items.Count | Should -BeGreaterThan 20000
        $items[12345].name | Should -BeExactly 'contact-12345'
        $items[12345].active | Should -BeTrue
    }

    It 'hands a large JSON array down the pipeline item by item, never holding it whole (<Path>)' -Tag 'Slow' -TestCases @(
        @{ Path = 'one at a time'; Throttle = '' }
        @{ Path = '-ThrottleLimit 4'; Throttle = '-ThrottleLimit 4' }
    ) {
        # 40 MB of JSON is about 480,000 records: held whole as objects they take about a gigabyte. Every send path
        # reads answers by the same rule, so -ThrottleLimit streams too (it once built the whole array first).
        $script = Join-Path $TestDrive "json-peak-$($Throttle.Length).ps1"
        Set-Content -LiteralPath $script -Value @"
Import-Module '$(Get-TestModuleManifest)'
`$null = New-SaleschatSession -BaseUri '$($emulator.BaseUri)' -OrgId '$($emulator.OrgId)' -ApiKey (ConvertTo-SecureString '$($emulator.ApiKey)' -AsPlainText -Force) -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)' -ServerCertificateAuthority ([Security.Cryptography.X509Certificates.X509Certificate2]::new('$($emulator.CaPath)'))
`$count = 0
Invoke-SaleschatMtlsRequest '/__faults/json?bytes=40000000' $Throttle | ForEach-Object { `$count++ }
'COUNT=' + `$count
'PEAK_KB=' + ((Get-Content /proc/self/status | Where-Object { `$_ -like 'VmHWM*' }) -replace '\D', '')
"@
        $run = Invoke-TestPwsh -File $script -TimeoutSec 300
        $run.StdOut | Should -Match 'COUNT=(\d+)'
        [int]([regex]::Match($run.StdOut, 'COUNT=(\d+)').Groups[1].Value) | Should -BeGreaterThan 400000
        $peakMb = [int]([regex]::Match($run.StdOut, 'PEAK_KB=(\d+)').Groups[1].Value) / 1024
        Write-Host "peak working set piping 40 MB of JSON ($Path): $([int]$peakMb) MB"
        $peakMb | Should -BeLessThan 500
    }

    It 'keeps at most 4 KiB of a <Format> error body in the message and 64 KiB in ErrorDetails, without control characters' -TestCases @(
        @{ Format = 'json' }
        @{ Format = 'text' }
    ) {
        $failure = $null
        $null = Invoke-SaleschatMtlsRequest "/__faults/hostile-error?bytes=20000000&format=$Format" -MaximumRetryCount 0 -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "SaleschatApiError,$invoke"
        $failure[0].Exception.Message.Length | Should -BeLessOrEqual 5120
        $failure[0].Exception.Message | Should -Not -Match $controlPattern
        $failure[0].ErrorDetails.Message.Length | Should -BeLessOrEqual (64KB + 5120)
        $failure[0].ErrorDetails.Message | Should -Not -Match $controlPattern
        $failure[0].ErrorDetails.Message | Should -Match 'cut'
    }

    It 'shows a hostile error''s words without its escapes' {
        $failure = $null
        $null = Invoke-SaleschatMtlsRequest '/__faults/hostile-error?bytes=10' -MaximumRetryCount 0 -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].Exception.Message | Should -Match 'Saleschat error 4000001 HOSTILE\[2J\]0;owned\[31m'
        $failure[0].Exception.Message | Should -Not -Match $controlPattern
    }
}

Describe 'Headers and API keys cannot inject' -Tag 'CI' {
    It 'refuses -Headers <Name> before connecting (InvalidHeader)' -TestCases @(
        @{ Name = 'a CR/LF in a value'; Headers = @{ 'X-A' = "v`r`nX-Injected: 1" } }
        @{ Name = 'a bare LF in a value'; Headers = @{ 'X-A' = "v`nX-Injected: 1" } }
        @{ Name = 'a NUL in a value'; Headers = @{ 'X-A' = "v`0w" } }
        @{ Name = 'a CR/LF in a name'; Headers = @{ "X-A`r`nX-Injected" = '1' } }
        @{ Name = 'a colon in a name'; Headers = @{ 'X-A: 1' = '1' } }
        @{ Name = 'a space in a name'; Headers = @{ 'X A' = '1' } }
    ) {
        $before = Get-RequestCount
        { Invoke-SaleschatMtlsRequest '/__faults/echo' -Headers $Headers -ErrorAction Stop } | Should -Throw -ErrorId "InvalidHeader,$invoke"
        Get-RequestCount | Should -Be $before
    }

    # -Headers is a Hashtable: [ordered] and case-sensitive ones arrive as one whose keys keep their case, and HTTP
    # names are case-insensitive, so a lower-case authorization is the same header as the session's.
    It 'refuses Authorization in -Headers <Name> before connecting (AuthorizationHeaderNotAllowed)' -TestCases @(
        @{ Name = 'as written'; Make = { @{ Authorization = 'Bearer other' } } }
        @{ Name = 'in lower case, in a case-sensitive hashtable'; Make = { $h = [hashtable]::new(); $h['authorization'] = 'Bearer other'; $h } }
        @{ Name = 'in lower case, in an [ordered] dictionary'; Make = { [ordered]@{ 'X-A' = '1'; authorization = 'Bearer other' } } }
        @{ Name = 'in upper case, in a case-sensitive hashtable'; Make = { $h = [hashtable]::new(); $h['AUTHORIZATION'] = 'Bearer other'; $h } }
    ) {
        $before = Get-RequestCount
        { Invoke-SaleschatMtlsRequest '/__faults/echo' -Headers (& $Make) -ErrorAction Stop } | Should -Throw -ErrorId "AuthorizationHeaderNotAllowed,$invoke"
        Get-RequestCount | Should -Be $before
    }

    It 'refuses a -ContentType with a line break (InvalidHeader)' {
        { Invoke-SaleschatMtlsRequest '/__faults/echo' -Method Post -Body '{}' -ContentType "application/json`r`nX-Injected: 1" -ErrorAction Stop } |
            Should -Throw -ErrorId "InvalidHeader,$invoke"
    }

    It 'still sends an ordinary header' {
        $echo = Invoke-SaleschatMtlsRequest '/__faults/echo' -Headers @{ 'X-Request-Id' = 'abc 123'; 'X-Tab' = "a`tb" }
        $echo.headers.'X-Request-Id' | Should -BeExactly 'abc 123'
        $echo.headers.PSObject.Properties.Name | Should -Not -Contain 'X-Injected'
    }

    It 'refuses an API key that <Name> at New-SaleschatSession (InvalidApiKey), never naming it' -TestCases @(
        @{ Name = 'is empty'; Key = '' }
        @{ Name = 'is only spaces'; Key = '   ' }
        @{ Name = 'holds CR/LF'; Key = "sk_live_abc`r`nX-Injected: 1" }
        @{ Name = 'holds a NUL'; Key = "sk_live_abc`0def" }
    ) {
        $secure = [securestring]::new()
        foreach ($c in $Key.ToCharArray()) { $secure.AppendChar($c) }
        $thrown = { New-TestSession -Emulator $emulator -Pair $pair -Extra @{ ApiKey = $secure; NoDefault = $true } } |
            Should -Throw -ErrorId "InvalidApiKey,$newSession" -PassThru
        $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
        if ($Key.Trim()) { $thrown.Exception.Message | Should -Not -Match 'sk_live_abc' }
    }

    It 'refuses an API key with a line break from SALESCHAT_API_KEY' {
        $saved = $env:SALESCHAT_API_KEY
        try {
            $env:SALESCHAT_API_KEY = "sk_live_abc`r`ndef"
            $parameters = @{ BaseUri = $emulator.BaseUri; OrgId = $emulator.OrgId; CertificatePath = $pair.CertificatePath; KeyPath = $pair.KeyPath; NoDefault = $true }
            { New-SaleschatSession @parameters -ErrorAction Stop } | Should -Throw -ErrorId "InvalidApiKey,$newSession"
        }
        finally { $env:SALESCHAT_API_KEY = $saved }
    }
}

Describe '-KeyPem takes a SecureString' -Tag 'CI' {
    It 'loads a certificate with its key from -KeyPem as a <Kind>' -TestCases @(
        @{ Kind = 'SecureString' }
        @{ Kind = 'string' }
    ) {
        $certificatePem = [IO.File]::ReadAllText($pair.CertificatePath)
        $keyText = [IO.File]::ReadAllText($pair.KeyPath)
        $keyPem = if ($Kind -eq 'SecureString') { ConvertTo-SecureString $keyText -AsPlainText -Force } else { $keyText }
        $loaded = Get-SaleschatClientCertificate -Pem $certificatePem -KeyPem $keyPem
        $loaded.HasPrivateKey | Should -BeTrue
        $loaded.Thumbprint | Should -Be $pair.Certificate.Thumbprint
        $own = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId $emulator.OrgId -ApiKey (Get-TestApiKey) -CertificatePem $certificatePem -KeyPem $keyPem -ServerCertificateAuthority $emulator.CaCertificate -NoDefault
        (Test-SaleschatMtls -Session $own).Success | Should -BeTrue
        $own.Dispose()
    }
}

Describe '-OutFile reports file-system failures as such' -Tag 'CI' {
    It 'refuses a folder as -OutFile before sending (FileWriteFailed)' {
        $before = Get-RequestCount
        $failure = $null
        $null = Invoke-SaleschatMtlsRequest '/__faults/large?bytes=1000' -OutFile $TestDrive -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "FileWriteFailed,$invoke"
        $failure[0].CategoryInfo.Category | Should -Be 'WriteError'
        Get-RequestCount | Should -Be $before
    }

    It 'refuses a read-only folder before sending (FileWriteFailed)' {
        $folder = Mount-TestTmpfs (Join-Path $TestDrive 'readonly') 'ro,size=1m'
        if (-not $folder) { Set-ItResult -Skipped -Because 'mounting a read-only tmpfs needs root (a chmod 555 folder does not stop root)'; return }
        $script:mounts = @($script:mounts) + $folder
        $before = Get-RequestCount
        { Invoke-SaleschatMtlsRequest '/__faults/large?bytes=1000' -OutFile (Join-Path $folder 'x.bin') -ErrorAction Stop } |
            Should -Throw -ErrorId "FileWriteFailed,$invoke"
        Get-RequestCount | Should -Be $before
    }

    It 'reports a full disk as FileWriteFailed for <Method>, sends once, and leaves no part' -TestCases @(
        @{ Method = 'Get'; Route = '/__faults/large?bytes=4194304'; CarriedOut = $false }
        @{ Method = 'Post'; Route = '/__faults/gzipbomb?bytes=4194304'; CarriedOut = $true }
    ) {
        $folder = Mount-TestTmpfs (Join-Path $TestDrive "full-$Method") 'size=1m'
        if (-not $folder) { Set-ItResult -Skipped -Because 'mounting a 1 MiB tmpfs needs root'; return }
        $script:mounts = @($script:mounts) + $folder
        $before = Get-RequestCount
        $failure = $null
        $null = Invoke-SaleschatMtlsRequest $Route -Method $Method -OutFile (Join-Path $folder 'big.bin') -MaximumRetryCount 3 -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "FileWriteFailed,$invoke"
        $failure[0].CategoryInfo.Category | Should -Be 'WriteError'
        if ($CarriedOut) { $failure[0].Exception.Message | Should -Match 'carried out' }
        Get-RequestCount | Should -Be ($before + 1)
        Get-ChildItem -Force $folder | Should -BeNullOrEmpty
    }

    It 'removes a killed download''s part on the next write to the same target' -Tag 'Slow' {
        $folder = Join-Path $TestDrive 'killed'
        $null = New-Item -ItemType Directory $folder
        $target = Join-Path $folder 'export.bin'
        $script = New-DownloadScript 'endless-download.ps1' '/__faults/endless?type=octet' $target
        $child = (Invoke-TestPwsh -NoWait -File $script).Process
        try {
            Wait-Until -TimeoutSec 60 -Because 'the download writes its part' -Condition {
                @(Get-ChildItem -Force $folder -Filter '.export.bin.*.part' | Where-Object Length -gt 1MB).Count -eq 1
            }
            $child.Kill($true); $null = $child.WaitForExit(10000)
        }
        finally { Stop-TestProcess $child }
        @(Get-ChildItem -Force $folder -Filter '*.part').Count | Should -Be 1 -Because 'kill -9 leaves the part behind'

        Invoke-SaleschatMtlsRequest '/__faults/large?bytes=1000' -OutFile $target
        (Get-Item $target).Length | Should -Be 1000
        Get-ChildItem -Force $folder -Filter '*.part' | Should -BeNullOrEmpty
    }

    It 'removes the part of a download the server broke off' {
        $folder = Join-Path $TestDrive 'dropped'
        $null = New-Item -ItemType Directory $folder
        $null = Invoke-SaleschatMtlsRequest '/__faults/drop?times=10' -OutFile (Join-Path $folder 'x.bin') -MaximumRetryCount 1 -ErrorAction SilentlyContinue
        Get-ChildItem -Force $folder | Should -BeNullOrEmpty
    }

    It 'keeps an existing file''s mode when it is overwritten' -Skip:$IsWindows {
        $target = Join-Path $TestDrive 'private.bin'
        [IO.File]::WriteAllText($target, 'old')
        [IO.File]::SetUnixFileMode($target, [IO.UnixFileMode]'UserRead, UserWrite')
        Invoke-SaleschatMtlsRequest '/__faults/large?bytes=1000' -OutFile $target -Force
        (Get-Item $target).Length | Should -Be 1000
        [IO.File]::GetUnixFileMode($target) | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'writes a new file 0644 under umask 000' -Tag 'Slow' -Skip:$IsWindows {
        $target = Join-Path $TestDrive 'umask.bin'
        $script = New-DownloadScript 'umask-download.ps1' '/__faults/large?bytes=1000' $target
        $child = (Invoke-TestPwsh -NoWait -File $script -Umask '000').Process
        try { $child.WaitForExit(120000) | Should -BeTrue; $child.ExitCode | Should -Be 0 }
        finally { Stop-TestProcess $child }
        [IO.File]::GetUnixFileMode($target) | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead')
    }
}

Describe 'A custom CA vouches only for server certificates' -Tag 'CI', 'Edge' {
    BeforeAll {
        # `openssl s_server -www` (a status page for any GET) with a server certificate for 127.0.0.1 from one CA, with
        # the extended key usage serverAuth, clientAuth, or none at all.
        $authority = New-TestEdgeAuthority -Folder (Join-Path $TestDrive 'tls-ca')
        $servers = @{}
        foreach ($usage in 'serverAuth', 'clientAuth', 'none') {
            $made = New-TestEdgeServerCertificate -Authority $authority -Folder (Join-Path $TestDrive "tls-$usage") -ExtendedKeyUsage $usage
            $port = Get-FreeTcpPort
            $servers[$usage] = Start-TestServer -Name "openssl s_server ($usage)" -FileName openssl -Port $port -TimeoutSec 20 `
                -ArgumentList 's_server', '-accept', "127.0.0.1:$port", '-cert', $made.CertificatePath, '-key', $made.KeyPath, '-www', '-quiet'
        }
        $testCa = $authority.Certificate
    }

    AfterAll { $servers.Values | Stop-TestServer }

    It 'accepts a server certificate with <Usage> and refuses one without serverAuth' -TestCases @(
        @{ Usage = 'serverAuth'; Accepted = $true }
        @{ Usage = 'none'; Accepted = $true }
        @{ Usage = 'clientAuth'; Accepted = $false }
    ) {
        $own = New-SaleschatSession -BaseUri "https://127.0.0.1:$($servers[$Usage].Port)" -OrgId x -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ServerCertificateAuthority $testCa -MaximumRetryCount 0 -NoDefault
        try {
            if ($Accepted) {
                Invoke-SaleschatMtlsRequest -Session $own '/status' | Should -Match 's_server|Ciphers|<HTML>'
            }
            else {
                { Invoke-SaleschatMtlsRequest -Session $own '/status' -ErrorAction Stop } | Should -Throw -ErrorId "ServerCertificateUntrusted,$invoke"
            }
        }
        finally { $own.Dispose() }
    }
}

Describe 'The API key is one string per session, not one per request' -Tag 'CI', 'Slow' -Skip:(-not $IsLinux) {
    It 'leaves few plain-text copies of the key in memory after 50 requests' {
        # A fresh process scans its own memory (/proc/self/mem) for the key in UTF-16, as a core dump would show it.
        $key = 'sk_scan_' + [guid]::NewGuid().ToString('n')
        $script = Join-Path $TestDrive 'scan.ps1'
        Set-Content -LiteralPath $script -Value @"
Import-Module '$(Get-TestModuleManifest)'
Add-Type -TypeDefinition @'
using System; using System.IO; using System.Text;
public static class SelfScan {
    public static int Count(string needle) {
        byte[] pattern = Encoding.Unicode.GetBytes(needle); int found = 0;
        using (var mem = new FileStream("/proc/self/mem", FileMode.Open, FileAccess.Read)) {
            foreach (string line in File.ReadAllLines("/proc/self/maps")) {
                string[] parts = line.Split(' ');
                // Strings live in writable memory (the GC heap, native allocations): code and read-only mappings are skipped.
                if (!parts[1].StartsWith("rw") || line.Contains("[vvar") || line.Contains("[vsyscall")) continue;
                string[] range = parts[0].Split('-');
                long start = Convert.ToInt64(range[0], 16), end = Convert.ToInt64(range[1], 16);
                var buffer = new byte[1 << 20];
                int step = buffer.Length - pattern.Length;
                for (long at = start; at < end; at += step) {
                    int want = (int)Math.Min(buffer.Length, end - at), got;
                    try { mem.Position = at; got = mem.Read(buffer, 0, want); } catch (IOException) { break; }
                    bool last = at + want >= end;
                    for (int i = 0; i + pattern.Length <= got && (last || i < step); i++) {
                        if (buffer[i] != pattern[0]) continue;
                        int j = 1; while (j < pattern.Length && buffer[i + j] == pattern[j]) j++;
                        if (j == pattern.Length) found++;
                    }
                    if (last) break;
                }
            }
        }
        return found;
    }
}
'@
`$secure = [securestring]::new(); foreach (`$c in `$env:SCAN_KEY.ToCharArray()) { `$secure.AppendChar(`$c) }; `$secure.MakeReadOnly()
`$env:SCAN_KEY = `$null
`$s = New-SaleschatSession -BaseUri '$($emulator.BaseUri)' -OrgId '$($emulator.OrgId)' -ApiKey `$secure -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)' -ServerCertificateAuthority ([Security.Cryptography.X509Certificates.X509Certificate2]::new('$($emulator.CaPath)')) -MaximumRetryCount 0
1..50 | ForEach-Object { `$null = Invoke-SaleschatMtlsRequest '/v4/orgs/{orgId}/mtls/hello' -ErrorAction SilentlyContinue }
'COPIES=' + [SelfScan]::Count('$($key.Substring(0, 8))' + '$($key.Substring(8))')
"@
        $run = Invoke-TestPwsh -File $script -Environment @{ SCAN_KEY = $key } -TimeoutSec 180
        $run.StdOut | Should -Match 'COPIES=(\d+)'
        $copies = [int]([regex]::Match($run.StdOut, 'COPIES=(\d+)').Groups[1].Value)
        Write-Host "plain-text UTF-16 copies of the API key after 50 requests: $copies"
        $copies | Should -BeLessThan 15
    }
}

Describe 'A closed session says so' -Tag 'CI' {
    It 'gives SessionClosed, not "Cannot access a disposed object", after Import-Module -Force' {
        $held = New-TestSession -Emulator $emulator -Pair $pair
        Invoke-SaleschatMtlsRequest -Session $held '/v4/orgs/{orgId}/mtls/hello' | Should -Be 'Hello, world!'
        Import-TestedModule   # Import-Module -Force: the module's default session ($held) is closed
        $failure = $null
        $null = Invoke-SaleschatMtlsRequest -Session $held '/v4/orgs/{orgId}/mtls/hello' -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "SessionClosed,$invoke"
        $failure[0].Exception.Message | Should -Match 'New-SaleschatSession'
        $failure[0].Exception.Message | Should -Not -Match 'disposed'
    }
}
