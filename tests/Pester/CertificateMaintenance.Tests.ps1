# Invoke-SaleschatCertificateMaintenance, run as a scheduler runs it: the watch runbook in a child `pwsh -File` with
# its exit code and JSON line, through the whole cycle with a certificate that lives minutes; two runs at once; a
# kill -9 of the real pwsh at each step; and sessions made from files that follow a promotion made by another process.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Helpers', 'Maintenance.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $manifest = Get-TestModuleManifest
    $cmdlet = 'Saleschat.Mtls.Cmdlets.InvokeSaleschatCertificateMaintenanceCommand'

    function New-Folder([string] $Name) {
        $dir = Join-Path $TestDrive "$Name-$([guid]::NewGuid().ToString('n').Substring(0, 6))"
        $null = New-Item -ItemType Directory -Path $dir
        $dir
    }

    function Get-Thumbprint([string] $Path) {
        [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem([IO.File]::ReadAllText($Path)).Thumbprint
    }

    function Get-Names([string] $Dir) { @([IO.Directory]::GetFiles($Dir) | ForEach-Object { [IO.Path]::GetFileName($_) } | Sort-Object) }

    # The pair on disk loads, matches and passes the hello call.
    function Assert-PairWorks($Pair) {
        $session = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId $emulator.OrgId -ApiKey (Get-TestApiKey) -CertificatePath $Pair.CertificatePath -KeyPath $Pair.KeyPath `
            -ServerCertificateAuthority $emulator.CaCertificate -NoDefault -WarningAction SilentlyContinue
        try { (Test-SaleschatMtls -Session $session).Diagnosis.ToString() | Should -BeExactly 'Success' } finally { $session.Dispose() }
    }
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'The scheduled cycle through the watch runbook (pwsh -File)' -Tag 'CI', 'Slow' {
    It 'nothing to do -> action required (PEM written) -> waiting -> upload -> promoted -> nothing to do, each with its exit code and JSON line' {
        $pair = New-ShortLivedClientPair -Folder (New-Folder 'cycle') -Minutes 10
        Add-EmulatorCertificate -Emulator $emulator -Certificate $pair.CertificatePath
        $old = $pair.Certificate.Thumbprint

        # Ten minutes left: outside a 0-day window, inside a 1-day one.
        $quiet = Invoke-WatchRunbook (Get-WatchArguments $pair $emulator -RenewBeforeDays 0 -AsJson)
        $quiet.ExitCode | Should -Be 0 -Because $quiet.Text
        $quiet.JsonLines | Should -HaveCount 1 -Because $quiet.Text
        $quiet.Json.State | Should -BeExactly 'NothingToDo'
        $quiet.Json.DaysUntilExpiry | Should -Be 0
        $quiet.Json.Thumbprint | Should -BeExactly $old
        Get-Names $pair.Folder | Should -Be @('client.crt', 'client.key')

        $started = Invoke-WatchRunbook (Get-WatchArguments $pair $emulator -RenewBeforeDays 1 -AsJson)
        $started.ExitCode | Should -Be 2 -Because $started.Text
        $started.Json.State | Should -BeExactly 'ActionRequired'
        $started.Json.Locked | Should -BeFalse
        $started.Json.UploadFile | Should -BeExactly (Join-Path $pair.Folder 'client.next.crt')
        $started.Json.UploadFile | Should -Exist
        $started.Json.NextThumbprint | Should -BeExactly (Get-Thumbprint $started.Json.UploadFile)
        $started.Json.Pem | Should -BeExactly ([IO.File]::ReadAllText($started.Json.UploadFile))
        $started.Json.NextStep | Should -Match 'upload .*client\.next\.crt'

        # Without -AsJson, as a person reads the log of an 80-column run: the PEM copied from it is whole.
        $waiting = Invoke-WatchRunbook (Get-WatchArguments $pair $emulator -RenewBeforeDays 1)
        $waiting.ExitCode | Should -Be 3 -Because $waiting.Text
        $waiting.Text | Should -Match 'State\s+: WaitingForUpload'
        $pem = Get-PemFromLog $waiting.StdOut
        $pem | Should -Not -BeNullOrEmpty -Because $waiting.Text
        $copied = Join-Path $pair.Folder 'copied-from-log.pem'
        [IO.File]::WriteAllText($copied, $pem)
        Get-OpenSslThumbprint $copied | Should -BeExactly $started.Json.NextThumbprint
        [IO.File]::Delete($copied)
        @($waiting.StdOut -split "`n" | Where-Object { $_ -like 'Invoke-SaleschatCertificateMaintenance -CertificatePath*' }) | Should -HaveCount 1
        $waitingJson = Invoke-WatchRunbook (Get-WatchArguments $pair $emulator -RenewBeforeDays 1 -AsJson)
        $waitingJson.ExitCode | Should -Be 3
        $waitingJson.Json.State | Should -BeExactly 'WaitingForUpload'
        $waitingJson.Json.ProofDiagnosis | Should -BeExactly 'ClientCertificateRefused'

        Add-EmulatorCertificate -Emulator $emulator -Certificate $started.Json.UploadFile
        $completed = Invoke-WatchRunbook (Get-WatchArguments $pair $emulator -RenewBeforeDays 1 -AsJson)
        $completed.ExitCode | Should -Be 0 -Because $completed.Text
        $completed.Json.State | Should -BeExactly 'Completed'
        $completed.Json.Thumbprint | Should -BeExactly $started.Json.NextThumbprint
        $completed.Json.PreviousThumbprint | Should -BeExactly $old
        $completed.Json.DaysUntilExpiry | Should -BeGreaterThan 360
        Get-Thumbprint $pair.CertificatePath | Should -BeExactly $started.Json.NextThumbprint
        Get-Names $pair.Folder | Should -Be @('client.crt', 'client.key', 'client.previous.crt', 'client.previous.key')
        Assert-PairWorks $pair

        $rest = Invoke-WatchRunbook (Get-WatchArguments $pair $emulator -RenewBeforeDays 1 -AsJson)
        $rest.ExitCode | Should -Be 0
        $rest.Json.State | Should -BeExactly 'NothingToDo'
        $rest.Text | Should -Not -Match ([regex]::Escape((Get-TestApiKeyText)))
        $rest.Text | Should -Not -Match 'PRIVATE KEY'
    }

    It 'is Expired (exit 4) and loud for an expired certificate, makes the pair to upload, and posts to the webhook' {
        $pair = New-TestExpiredClientPair -Folder (New-Folder 'expired') -Name 'client'
        $hook = Start-CaptureServer
        try {
            $run = Invoke-WatchRunbook (Get-WatchArguments $pair $emulator -Extra @('-NotifyUri', "http://127.0.0.1:$($hook.Port)/hook"))
            $run.ExitCode | Should -Be 4 -Because $run.Text
            $run.Text | Should -Match 'State\s+: Expired'
            $run.Text | Should -Match 'WARNING: EXPIRED'
            Join-Path ([IO.Path]::GetDirectoryName($pair.CertificatePath)) 'client.next.crt' | Should -Exist
            Wait-Until { $hook.AllText() -match 'client\.next\.crt' } -TimeoutSec 10 -Because 'the webhook post'
            $hook.AllText() | Should -Match 'POST /hook'
            $hook.AllText() | Should -Match '"text":"Saleschat mTLS on .*Expired - EXPIRED'
        }
        finally { $hook.Dispose() }
    }

    It 'fails with exit 1 and one line naming the error id when the pair cannot be read' {
        $dir = New-Folder 'missing'
        $run = Invoke-WatchRunbook @('-CertificatePath', (Join-Path $dir 'none.crt'), '-KeyPath', (Join-Path $dir 'none.key'), '-AsJson')
        $run.ExitCode | Should -Be 1 -Because $run.Text
        $run.Text | Should -Match 'Failed: CertificateFileNotFound'
        $run.JsonLines | Should -HaveCount 0
    }
}

Describe 'Invoke-SaleschatCertificateMaintenance: one run at a time' -Tag 'CI', 'Slow' -Skip:($IsWindows) {
    It 'two runs at once: exactly one starts the rotation, the other reports Locked (exit 5) and changes nothing' {
        # A 4096-bit current key: the next one is 4096 bits too, long enough to make that the two runs overlap.
        $pair = New-ShortLivedClientPair -Folder (New-Folder 'concurrent') -Minutes 600 -KeySize 4096
        $signals = New-Folder 'signals'
        $script = [IO.Path]::Combine((Get-RepoRoot), 'examples', 'runbooks', 'Watch-SaleschatCertificateExpiry.ps1')
        $arguments = (Get-WatchArguments $pair $emulator -RenewBeforeDays 1 -AsJson | ForEach-Object { if ($_.StartsWith('-')) { $_ } else { "'$_'" } }) -join ' '
        $children = foreach ($n in 1, 2) {
            Start-TestPwsh -Command @"
`$env:SALESCHAT_API_KEY = '$(Get-TestApiKeyText)'
Import-Module '$manifest'
[IO.File]::WriteAllText('$signals/ready-$n', '')
`$deadline = [DateTime]::UtcNow.AddSeconds(120)
while (-not [IO.File]::Exists('$signals/go') -and [DateTime]::UtcNow -lt `$deadline) { [Threading.Thread]::Sleep(2) }
& '$script' $arguments
exit `$LASTEXITCODE
"@
        }
        try {
            Wait-Until -TimeoutSec 120 -Because 'both runs to be ready' -Condition { [IO.File]::Exists("$signals/ready-1") -and [IO.File]::Exists("$signals/ready-2") }
            [IO.File]::WriteAllText("$signals/go", '')
        }
        finally { $results = foreach ($child in $children) { Stop-TestPwsh -Child $child -TimeoutSec 180 } }

        $outcomes = foreach ($r in $results) {
            $line = @($r.StdOut -split "`n" | Where-Object { $_.StartsWith('{"State"') })
            $line | Should -HaveCount 1 -Because ($r.StdOut + $r.StdErr)
            $json = $line[0] | ConvertFrom-Json
            "$($r.ExitCode) $($json.State) locked=$($json.Locked)"
        }
        ($outcomes | Sort-Object) | Should -Be @('2 ActionRequired locked=False', '5 ActionRequired locked=True')
        Get-Names $pair.Folder | Should -Be @('client.crt', 'client.key', 'client.next.crt', 'client.next.key')
    }

    It 'reports Locked while another run holds the pair, then works once it is released' {
        $pair = New-ShortLivedClientPair -Folder (New-Folder 'held') -Minutes 600
        $paths = [Saleschat.Mtls.Rotation.RotationPaths]::new($pair.CertificatePath, $pair.KeyPath)
        $held = [Saleschat.Mtls.Rotation.RotationLock]::Acquire($paths, $null, $null)
        try {
            $locked = Invoke-SaleschatCertificateMaintenance -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -RenewBeforeDays 1 6>$null
            $locked.Locked | Should -BeTrue
            $locked.NextStep | Should -Match 'Locked: another maintenance run holds'
            Get-Names $pair.Folder | Should -Be @('client.crt', 'client.key', 'client.rotation.lock')
        }
        finally { $held.Dispose() }
        $worked = Invoke-SaleschatCertificateMaintenance -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -RenewBeforeDays 1 6>$null
        $worked.Locked | Should -BeFalse
        $worked.State.ToString() | Should -BeExactly 'ActionRequired'
    }
}

Describe 'Invoke-SaleschatCertificateMaintenance after a kill -9' -Tag 'CI', 'Slow' -Skip:($IsWindows) {
    It 'a run killed <Label> leaves the current pair working, and the next run finishes' -TestCases @(
        @{ Label = 'while making the next key'; Step = 'start' }
        @{ Label = 'after keeping the previous pair'; Step = 'previous' }
        @{ Label = 'after moving the key'; Step = 'key' }
        @{ Label = 'after moving the certificate'; Step = 'certificate' }
        @{ Label = 'after removing the next files'; Step = 'cleanup' }
    ) {
        $pair = New-ShortLivedClientPair -Folder (New-Folder "kill-$Step") -Minutes 600 -KeySize $(if ($Step -eq 'start') { 4096 } else { 2048 })
        Add-EmulatorCertificate -Emulator $emulator -Certificate $pair.CertificatePath
        $old = $pair.Certificate.Thumbprint
        $marker = Join-Path $TestDrive "killed-$Step-$([guid]::NewGuid().ToString('n'))"
        if ($Step -ne 'start') {
            $rotation = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath
            Add-EmulatorCertificate -Emulator $emulator -Certificate $rotation.NextCertificate
        }

        # The real pwsh runs the maintenance with the module's own service; a hook parks it after the named promotion
        # step (or it is killed while the 4096-bit next key is being made), and the test kills it there: kill -9.
        $child = Start-TestPwsh -Command @"
Import-Module '$manifest'
`$ca = [Security.Cryptography.X509Certificates.X509Certificate2]::new('$($emulator.CaPath)')
`$session = New-SaleschatSession -BaseUri '$($emulator.BaseUri)' -OrgId '$($emulator.OrgId)' -ApiKey (ConvertTo-SecureString -AsPlainText -Force '$(Get-TestApiKeyText)') -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)' -ServerCertificateAuthority `$ca -NoDefault
`$park = [Action[string]]{ param(`$step) if (`$step -eq '$Step') { [IO.File]::WriteAllText('$marker', `$step); [Threading.Thread]::Sleep(600000) } }
`$service = [Saleschat.Mtls.Rotation.RotationService]::new(`$null, `$park, [TimeSpan]::Zero)
`$prove = [System.Func[Security.Cryptography.X509Certificates.X509Certificate2, Saleschat.Mtls.MtlsTestResult]]{ param(`$next)
    `$probe = New-SaleschatSession -Certificate `$next -BaseUri '$($emulator.BaseUri)' -OrgId '$($emulator.OrgId)' -ApiKey (ConvertTo-SecureString -AsPlainText -Force '$(Get-TestApiKeyText)') -ServerCertificateAuthority `$ca -NoDefault
    Test-SaleschatMtls -Session `$probe }
if ('$Step' -eq 'start') { [IO.File]::WriteAllText('$marker', 'start') }
[Saleschat.Mtls.Rotation.CertificateMaintenance]::new(`$service, `$null).Run([Saleschat.Mtls.Rotation.RotationPaths]::new('$($pair.CertificatePath)', '$($pair.KeyPath)'), `$null, 30, `$prove, `$null)
"@
        try {
            Wait-Until -TimeoutSec 120 -Because "the run to reach '$Step'" -Condition { [IO.File]::Exists($marker) -or $child.Process.HasExited }
            # (Its output is read only once it has exited: reading it earlier would wait for the exit.)
            if ($child.Process.HasExited) { throw "The run ended before '$Step': $($child.StdOut.Result) $($child.StdErr.Result)" }
            if ($Step -eq 'start') {
                # Killed while it holds the lock: generating the 4096-bit next key (or, at worst, just after).
                Wait-Until -TimeoutSec 60 -Because 'the run to hold the lock' -Condition {
                    [IO.File]::Exists((Join-Path $pair.Folder 'client.rotation.lock')) -or [IO.File]::Exists((Join-Path $pair.Folder 'client.next.key')) }
            }
            $child.Process.Kill()
        }
        finally { $null = Stop-TestPwsh -Child $child -TimeoutSec 30 }

        # Killed: whatever is on disk, the pair in use still works, or the journal says how to finish it.
        if ($Step -ne 'key') { Assert-PairWorks $pair }

        $next = Invoke-WatchRunbook (Get-WatchArguments $pair $emulator -AsJson)
        if ($Step -eq 'start') {
            # The next pair is made whole by this run (ActionRequired), or was already (the kill came after it: waiting).
            "$($next.ExitCode) $($next.Json.State)" | Should -BeIn @('2 ActionRequired', '3 WaitingForUpload') -Because $next.Text
            Get-Names $pair.Folder | Should -Be @('client.crt', 'client.key', 'client.next.crt', 'client.next.key')
            Get-Thumbprint $pair.CertificatePath | Should -BeExactly $old
        }
        else {
            $next.ExitCode | Should -Be 0 -Because $next.Text
            $next.Json.State | Should -BeExactly 'Completed'
            $next.Json.Thumbprint | Should -BeExactly $rotation.NextCertificate.Thumbprint
            Get-Names $pair.Folder | Should -Be @('client.crt', 'client.key', 'client.previous.crt', 'client.previous.key')
            Get-Thumbprint (Join-Path $pair.Folder 'client.previous.crt') | Should -BeExactly $old
        }
        Assert-PairWorks $pair
    }
}

Describe 'A session made from files follows a pair promoted by another process' -Tag 'CI', 'Slow' {
    It 'switches after the promotion, says so with -Verbose, and keeps working once the old certificate is removed' {
        $pair = New-ShortLivedClientPair -Folder (New-Folder 'follow') -Minutes 600
        Add-EmulatorCertificate -Emulator $emulator -Certificate $pair.CertificatePath
        $session = New-TestSession -Emulator $emulator -Pair $pair -Extra @{ NoDefault = $true }
        $fromObject = New-SaleschatSession -Certificate (Get-SaleschatClientCertificate $pair.CertificatePath -KeyPath $pair.KeyPath) -BaseUri $emulator.BaseUri `
            -OrgId $emulator.OrgId -ApiKey (Get-TestApiKey) -ServerCertificateAuthority $emulator.CaCertificate -NoDefault
        $session.FollowsCertificateFiles | Should -BeTrue
        $session.CertificatePath | Should -BeExactly $pair.CertificatePath
        $fromObject.FollowsCertificateFiles | Should -BeFalse
        ($fromObject | Format-List | Out-String -Width 80) | Should -Match 'FollowsFiles\s+: No \(made from a certificate object'
        $old = $session.Thumbprint

        $started = Invoke-WatchRunbook (Get-WatchArguments $pair $emulator -RenewBeforeDays 1 -AsJson)
        $started.ExitCode | Should -Be 2 -Because $started.Text
        Add-EmulatorCertificate -Emulator $emulator -Certificate $started.Json.UploadFile
        $promoted = Invoke-WatchRunbook (Get-WatchArguments $pair $emulator -RenewBeforeDays 1 -AsJson)
        $promoted.Json.State | Should -BeExactly 'Completed' -Because $promoted.Text

        # Saleschat forgets the old certificate: the next call is refused with it, looks at the files at once, and
        # succeeds with the promoted pair (whether or not its periodic look already switched).
        Clear-EmulatorCertificates -Emulator $emulator
        Add-EmulatorCertificate -Emulator $emulator -Certificate $pair.CertificatePath
        $verbose = Invoke-SaleschatMtlsRequest -Session $session -Path '/v4/orgs/{orgId}/mtls/hello' -Verbose 4>&1
        ($verbose | Where-Object { $_ -is [string] }) | Should -BeExactly 'Hello, world!'
        @($verbose | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match "now holds $($promoted.Json.Thumbprint).*switched to it from $old" }) | Should -HaveCount 1 -Because ($verbose -join "`n")
        $session.Thumbprint | Should -BeExactly $promoted.Json.Thumbprint

        # The session made from an object cannot follow: it keeps the old certificate, which is refused now.
        (Test-SaleschatMtls -Session $fromObject).Diagnosis.ToString() | Should -BeExactly 'ClientCertificateRefused'
        $fromObject.Thumbprint | Should -BeExactly $old
        $session.Dispose(); $fromObject.Dispose()
    }
}
