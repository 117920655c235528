# Rotation trusts only files it can vouch for: a next key, certificate or journal planted by another user
# (or left readable or writable by others) is refused by name; a journal never skips the proof; one Start or
# Complete at a time per pair; a pair half-promoted by a kill is finished without a session; a single PEM file
# holding certificate and key is refused up front with the commands that split it.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $manifest = Get-TestModuleManifest
    $emulator = Start-TestEmulator
    $startCmdlet = 'Saleschat.Mtls.Cmdlets.StartSaleschatCertificateRotationCommand'
    $completeCmdlet = 'Saleschat.Mtls.Cmdlets.CompleteSaleschatCertificateRotationCommand'

    # Why two-user tests cannot run here, or $null when they can (root on Linux with useradd: the CI runner).
    function Get-TestOsUserSkipReason {
        if (-not $IsLinux) { return 'needs Linux (useradd, chown)' }
        if ((& id -u) -ne '0') { return 'needs root to create a second OS user (CI runs as root)' }
        if (-not (Get-Command useradd -ErrorAction Ignore)) { return 'useradd is not installed' }
        $null
    }

    # A throwaway OS user (no home, no login) that owns planted files; remove it with Remove-TestOsUser.
    function New-TestOsUser {
        $name = 'schf' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        & useradd --no-create-home --shell /usr/sbin/nologin $name
        if ($LASTEXITCODE -ne 0) { throw "useradd $name failed." }
        $name
    }

    function Remove-TestOsUser {
        param([string] $Name)
        if ($Name) { & userdel $Name 2>$null }
    }

    $userSkip = Get-TestOsUserSkipReason
    $otherUser = if (-not $userSkip) { New-TestOsUser }

    # A current pair, registered, and the default session on it.
    function New-RotationPair([string] $Name) {
        $pair = New-TestClientPair -Folder (Join-Path $TestDrive $Name) -Emulator $emulator
        $null = New-TestSession -Emulator $emulator -Pair $pair
        $pair | Add-Member -PassThru -NotePropertyName Folder -NotePropertyValue (Join-Path $TestDrive $Name)
    }

    function Get-Thumbprint([string] $Path) { (Get-SaleschatClientCertificate -Path $Path).Thumbprint }

    function Set-Mode([string] $Path, [string] $Mode) { [IO.File]::SetUnixFileMode($Path, [IO.UnixFileMode][Convert]::ToInt32($Mode, 8)) }

    # Files made as root, then given to the other user with a mode anyone can read: what an attacker who can
    # write the key folder leaves there.
    function Set-PlantedOwner([string[]] $Path) {
        foreach ($p in $Path) {
            & chown "$($otherUser):$($otherUser)" $p
            if ($LASTEXITCODE -ne 0) { throw "chown $p failed." }
            Set-Mode $p '0644'
        }
    }

    # The attacker's own pair at client.next.*, registered at the emulator too: only the file checks stand in the way.
    function New-PlantedNextPair($Pair) {
        $nextKey = Join-Path $Pair.Folder 'client.next.key'
        $nextCrt = Join-Path $Pair.Folder 'client.next.crt'
        $cert = New-SaleschatClientKey -Path $nextKey | New-SaleschatClientCertificate -Organization Mallory -Path $nextCrt
        Add-EmulatorCertificate -Emulator $emulator -Certificate $cert
        Set-PlantedOwner $nextKey, $nextCrt
        $cert
    }
}

AfterAll {
    Remove-TestOsUser $otherUser
    Stop-TestEmulator $emulator
}

Describe 'Rotation uses only files it can vouch for' -Tag 'CI' -Skip:($IsWindows) {
    It 'Start refuses a client.next.key planted by another user, and adopts nothing' {
        if ($userSkip) { Set-ItResult -Skipped -Because $userSkip; return }
        $pair = New-RotationPair 'planted-start'
        $planted = Join-Path $pair.Folder 'client.next.key'
        $null = New-SaleschatClientKey -Path $planted
        Set-PlantedOwner $planted
        $before = Get-FolderSnapshot $pair.Folder

        $err = $null
        try { Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ErrorAction Stop } catch { $err = $_ }

        $err.FullyQualifiedErrorId | Should -Be "UntrustedRotationFile,$startCmdlet"
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $err.TargetObject | Should -Be $planted
        $err.Exception.Message | Should -Match 'another user'
        Get-FolderSnapshot $pair.Folder | Should -Be $before
    }

    It 'Start refuses a next key of ours with mode <Mode>' -TestCases @(
        @{ Mode = '0644'; Why = 'read' }
        @{ Mode = '0620'; Why = 'write' }
        @{ Mode = '0606'; Why = 'write' }
    ) {
        $pair = New-RotationPair "loose-$Mode"
        $null = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath
        $nextKey = Join-Path $pair.Folder 'client.next.key'
        Set-Mode $nextKey $Mode

        $err = $null
        try { Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ErrorAction Stop } catch { $err = $_ }

        $err.FullyQualifiedErrorId | Should -Be "UntrustedRotationFile,$startCmdlet"
        $err.TargetObject | Should -Be $nextKey
        $err.Exception.Message | Should -Match "other users can $Why it"
    }

    It 'Complete refuses a planted next pair (even one Saleschat accepts) and moves nothing' {
        if ($userSkip) { Set-ItResult -Skipped -Because $userSkip; return }
        $pair = New-RotationPair 'planted-complete'
        $null = New-PlantedNextPair $pair
        $before = Get-FolderSnapshot $pair.Folder

        { Complete-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ErrorAction Stop } |
            Should -Throw -ErrorId "UntrustedRotationFile,$completeCmdlet"
        Get-FolderSnapshot $pair.Folder | Should -Be $before
        (Test-SaleschatMtls).Thumbprint | Should -Be $pair.Certificate.Thumbprint
    }

    It 'Complete refuses a planted journal with a planted pair instead of "finishing" without a proof' {
        if ($userSkip) { Set-ItResult -Skipped -Because $userSkip; return }
        $pair = New-RotationPair 'planted-journal'
        $attacker = New-PlantedNextPair $pair
        $journal = Join-Path $pair.Folder 'client.rotation'
        [IO.File]::WriteAllText($journal, "old=$($pair.Certificate.Thumbprint)`nnext=$($attacker.Thumbprint)`n")
        Set-PlantedOwner $journal
        $before = Get-FolderSnapshot $pair.Folder

        $err = $null
        try { Complete-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ErrorAction Stop -WarningVariable warnings } catch { $err = $_ }

        $err.FullyQualifiedErrorId | Should -Be "UntrustedRotationFile,$completeCmdlet"
        $err.TargetObject | Should -Be $journal
        $warnings | Should -BeNullOrEmpty
        Get-FolderSnapshot $pair.Folder | Should -Be $before
    }

    It 'a journal of our own does not skip the proof: an unaccepted next pair is not promoted' {
        $pair = New-RotationPair 'journal-proof'
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath
        # Not uploaded. A journal that is ours alone, naming that next pair, as an interrupted run would leave it.
        $journal = Join-Path $pair.Folder 'client.rotation'
        [IO.File]::WriteAllText($journal, "old=$($pair.Certificate.Thumbprint)`nnext=$($rotation.NextCertificate.Thumbprint)`n")
        Set-Mode $journal '0600'
        $before = Get-FolderSnapshot $pair.Folder

        { Complete-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId "NextCertificateNotAccepted,$completeCmdlet"
        Get-FolderSnapshot $pair.Folder | Should -Be $before
        Get-Thumbprint $pair.CertificatePath | Should -Be $pair.Certificate.Thumbprint
    }

    It 'refuses an empty -KeyPassword, which would "encrypt" the next key with nothing' {
        $pair = New-RotationPair 'empty-password'
        { Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -KeyPassword ([securestring]::new()) -ErrorAction Stop } |
            Should -Throw -ErrorId "EmptyPassword,$startCmdlet"
        Test-Path -LiteralPath (Join-Path $pair.Folder 'client.next.key') | Should -BeFalse
    }
}

Describe 'A single PEM file with certificate and key' -Tag 'CI' {
    It 'is refused up front by <Cmdlet> with the commands that split it (<Label>)' -TestCases @(
        @{ Cmdlet = 'Start'; Label = 'same file twice'; SameFile = $true }
        @{ Cmdlet = 'Start'; Label = 'key inside the certificate file'; SameFile = $false }
        @{ Cmdlet = 'Complete'; Label = 'same file twice'; SameFile = $true }
    ) {
        $pair = New-RotationPair "combined-$Cmdlet-$SameFile"
        $combined = Join-Path $pair.Folder 'both.pem'
        [IO.File]::WriteAllText($combined, [IO.File]::ReadAllText($pair.CertificatePath) + [IO.File]::ReadAllText($pair.KeyPath))
        $keyArgument = if ($SameFile) { $combined } else { $pair.KeyPath }
        $before = Get-FolderSnapshot $pair.Folder

        $err = $null
        try { & "$Cmdlet-SaleschatCertificateRotation" -CertificatePath $combined -KeyPath $keyArgument -ErrorAction Stop } catch { $err = $_ }

        $err.FullyQualifiedErrorId | Should -Be "CombinedPemNotRotatable,Saleschat.Mtls.Cmdlets.$($Cmdlet)SaleschatCertificateRotationCommand"
        $err.Exception.Message | Should -Match 'openssl x509 -in'
        $err.Exception.Message | Should -Match 'openssl pkey -in'
        Get-FolderSnapshot $pair.Folder | Should -Be $before
    }
}

Describe 'A pair half-promoted by a kill is finished unattended' -Tag 'CI' {
    It 'finishes with no session at all, and the message on loading the pair says how' {
        $pair = New-RotationPair 'half-promoted'
        $old = $pair.Certificate.Thumbprint
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath
        Add-EmulatorCertificate -Emulator $emulator -Certificate $rotation.NextCertificate
        # The proof passed; the process dies right after the key moved (the one moment the pair does not match).
        $crashing = [Saleschat.Mtls.Rotation.RotationService]::new($null, [Action[string]] { param($step) if ($step -eq 'key') { throw [IO.IOException]::new('simulated kill') } }, $null)
        { $crashing.Promote([Saleschat.Mtls.Rotation.RotationPaths]::new($pair.CertificatePath, $pair.KeyPath), $null, $null) } | Should -Throw '*simulated kill*'
        [Saleschat.Mtls.Sessions.DefaultSession]::Current = $null

        # A runbook's first step fails, and says what to run.
        $err = $null
        try { $null = New-TestSession -Emulator $emulator -Pair $pair } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^CertificateKeyMismatch,'
        $err.Exception.Message | Should -Match 'Complete-SaleschatCertificateRotation'
        $err.Exception.Message | Should -Match 'needs no session'

        $done = Complete-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -WarningVariable warnings -WarningAction SilentlyContinue
        $done.State | Should -Be 'Completed'
        $warnings | Should -Match 'without a session'
        Get-Thumbprint $pair.CertificatePath | Should -Be $rotation.NextCertificate.Thumbprint
        Get-Thumbprint (Join-Path $pair.Folder 'client.previous.crt') | Should -Be $old
        $null = New-TestSession -Emulator $emulator -Pair $pair
        Test-SaleschatMtls -Quiet | Should -BeTrue
        $null = Get-SaleschatClientCertificate -Path (Join-Path $pair.Folder 'client.previous.crt') -KeyPath (Join-Path $pair.Folder 'client.previous.key')
    }

    It 'proves the journalled pair again when a session is at hand' {
        $pair = New-RotationPair 'half-promoted-session'
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath
        Add-EmulatorCertificate -Emulator $emulator -Certificate $rotation.NextCertificate
        $crashing = [Saleschat.Mtls.Rotation.RotationService]::new($null, [Action[string]] { param($step) if ($step -eq 'certificate') { throw [IO.IOException]::new('simulated kill') } }, $null)
        { $crashing.Promote([Saleschat.Mtls.Rotation.RotationPaths]::new($pair.CertificatePath, $pair.KeyPath), $null, $null) } | Should -Throw '*simulated kill*'

        $done = Complete-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -WarningVariable warnings -WarningAction SilentlyContinue
        $done.State | Should -Be 'Completed'
        $warnings | Should -Match 'proving .* again'
        Test-SaleschatMtls -Quiet | Should -BeTrue
    }
}

Describe 'One rotation at a time per pair' -Tag 'CI', 'Slow' -Skip:($IsWindows) {
    It 'two Completes at once: one promotes, the other finds it done; previous keeps the old pair' {
        $pair = New-RotationPair 'concurrent'
        $old = $pair.Certificate.Thumbprint
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath
        Add-EmulatorCertificate -Emulator $emulator -Certificate $rotation.NextCertificate
        $signals = Join-Path $TestDrive 'signals'
        $null = New-Item -ItemType Directory -Path $signals
        # Each child opens its session first, says it is ready, then waits for one "go" so both Completes overlap.
        $children = foreach ($n in 1, 2) {
            Start-TestPwsh -Command @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
`$ca = [Security.Cryptography.X509Certificates.X509Certificate2]::new('$($emulator.CaPath)')
`$null = New-SaleschatSession -BaseUri '$($emulator.BaseUri)' -OrgId '$($emulator.OrgId)' -ApiKey (ConvertTo-SecureString -AsPlainText -Force '$($emulator.ApiKey)') -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)' -ServerCertificateAuthority `$ca -RetryIntervalSec 0
[IO.File]::WriteAllText('$signals/ready-$n', '')
`$deadline = [DateTime]::UtcNow.AddSeconds(240)
while (-not [IO.File]::Exists('$signals/go') -and [DateTime]::UtcNow -lt `$deadline) { [Threading.Thread]::Sleep(5) }
try { 'STATE=' + (Complete-SaleschatCertificateRotation -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)').State }
catch { 'ERROR=' + `$_.FullyQualifiedErrorId + ' ' + `$_.Exception.Message }
"@
        }
        try {
            Wait-Until -TimeoutSec 240 -Because 'both children to open their sessions' -Condition {
                [IO.File]::Exists("$signals/ready-1") -and [IO.File]::Exists("$signals/ready-2")
            }
            [IO.File]::WriteAllText("$signals/go", '')
        }
        finally {
            $results = foreach ($child in $children) { Stop-TestPwsh -Child $child -TimeoutSec 240 }
        }

        $lines = @($results | ForEach-Object { ($_.StdOut -split "`n") | Where-Object { $_ -match '^(STATE|ERROR)=' } })
        $lines | Should -HaveCount 2 -Because ($results.StdErr -join "`n")
        @($lines | Where-Object { $_ -eq 'STATE=Completed' }) | Should -HaveCount 1 -Because ($lines -join "`n")
        @($lines | Where-Object { $_ -match '^ERROR=(NoPendingRotation|RotationInProgress),' }) | Should -HaveCount 1 -Because ($lines -join "`n")
        Get-Thumbprint $pair.CertificatePath | Should -Be $rotation.NextCertificate.Thumbprint
        Get-Thumbprint (Join-Path $pair.Folder 'client.previous.crt') | Should -Be $old
        # The old key is still there, beside its certificate.
        $previous = Get-SaleschatClientCertificate -Path (Join-Path $pair.Folder 'client.previous.crt') -KeyPath (Join-Path $pair.Folder 'client.previous.key')
        $previous.Thumbprint | Should -Be $old
        @([IO.Directory]::GetFiles($pair.Folder) | ForEach-Object { [IO.Path]::GetFileName($_) } | Sort-Object) |
            Should -Be @('client.crt', 'client.key', 'client.previous.crt', 'client.previous.key')
    }

    It 'a Complete after the promotion leaves previous alone' {
        $pair = New-RotationPair 'second-complete'
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath
        Add-EmulatorCertificate -Emulator $emulator -Certificate $rotation.NextCertificate
        $null = Complete-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath
        $before = Get-FolderSnapshot $pair.Folder

        { Complete-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ErrorAction Stop } |
            Should -Throw -ErrorId "NoPendingRotation,$completeCmdlet"
        Get-FolderSnapshot $pair.Folder | Should -Be $before
    }

    It 'a Complete waits while another run holds the pair, then fails with RotationInProgress' {
        $pair = New-RotationPair 'held'
        $paths = [Saleschat.Mtls.Rotation.RotationPaths]::new($pair.CertificatePath, $pair.KeyPath)
        $held = [Saleschat.Mtls.Rotation.RotationLock]::Acquire($paths, $null, $null)
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            { Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ErrorAction Stop } |
                Should -Throw -ErrorId "RotationInProgress,$startCmdlet"
            $clock.Elapsed.TotalSeconds | Should -BeGreaterThan 5
            Test-Path -LiteralPath (Join-Path $pair.Folder 'client.next.key') | Should -BeFalse
        }
        finally { $held.Dispose() }
        Test-Path -LiteralPath $paths.LockPath | Should -BeFalse
        $null = Start-SaleschatCertificateRotation -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath
    }
}
