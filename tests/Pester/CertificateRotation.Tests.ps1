# Start-/Complete-SaleschatCertificateRotation: a pending pair beside the current one, a completion that proves the
# new certificate first, switches the session with no failed call, and is finished by a rerun after a crash.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $startCmdlet = 'Saleschat.Mtls.Cmdlets.StartSaleschatCertificateRotationCommand'
    $completeCmdlet = 'Saleschat.Mtls.Cmdlets.CompleteSaleschatCertificateRotationCommand'
    $ownerOnly = [IO.UnixFileMode]'UserRead, UserWrite'

    # A fresh current pair in its own folder, uploaded, and a default session using it.
    function New-CurrentPair([securestring] $Password) {
        $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $null = New-Item -ItemType Directory -Path $dir
        $crt = Join-Path $dir 'client.crt'
        $key = Join-Path $dir 'client.key'
        $null = New-SaleschatClientKey -Path $key -Password $Password
        $cert = New-SaleschatClientCertificate -KeyPath $key -KeyPassword $Password -Organization Acme -Path $crt
        Add-EmulatorCertificate -Emulator $emulator -Certificate $cert
        $session = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId org-1 -ApiKey (Get-TestApiKey) -CertificatePath $crt -KeyPath $key -KeyPassword $Password -ServerCertificateAuthority $emulator.CaCertificate -RetryIntervalSec 0
        [pscustomobject]@{ Dir = $dir; Crt = $crt; Key = $key; Session = $session }
    }

    function Get-Names([string] $Dir) { @((Get-ChildItem -LiteralPath $Dir -Force).Name | Sort-Object) }

    function Get-Thumbprint([string] $Path) {
        [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem([IO.File]::ReadAllText($Path)).Thumbprint
    }

    function Assert-Promoted($Pair, [string] $OldThumbprint, [string] $NewThumbprint, [securestring] $Password) {
        Get-Names $Pair.Dir | Should -Be @('client.crt', 'client.key', 'client.previous.crt', 'client.previous.key')
        Get-Thumbprint $Pair.Crt | Should -BeExactly $NewThumbprint
        $previousCrt = Join-Path $Pair.Dir 'client.previous.crt'
        $previousKey = Join-Path $Pair.Dir 'client.previous.key'
        Get-Thumbprint $previousCrt | Should -BeExactly $OldThumbprint
        [IO.File]::GetUnixFileMode($Pair.Key) | Should -Be $ownerOnly
        [IO.File]::GetUnixFileMode($previousKey) | Should -Be $ownerOnly
        # Each pair on disk is a matching, working key and certificate.
        { $null = Get-SaleschatClientCertificate $Pair.Crt -KeyPath $Pair.Key -KeyPassword $Password -ErrorAction Stop } | Should -Not -Throw
        { $null = Get-SaleschatClientCertificate $previousCrt -KeyPath $previousKey -KeyPassword $Password -ErrorAction Stop } | Should -Not -Throw
    }
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'Start-SaleschatCertificateRotation' -Tag 'CI' {
    It 'makes one pending pair beside the current one, and a rerun returns it' {
        $pair = New-CurrentPair
        $first = Start-SaleschatCertificateRotation -CertificatePath $pair.Crt -KeyPath $pair.Key
        $nextKey = [IO.File]::ReadAllBytes((Join-Path $pair.Dir 'client.next.key'))
        $second = Start-SaleschatCertificateRotation -CertificatePath $pair.Crt -KeyPath $pair.Key

        $first.State.ToString() | Should -BeExactly 'Pending'
        $first.NextCertificate.Subject | Should -BeExactly $first.CurrentCertificate.Subject
        $first.NextCertificate.Thumbprint | Should -Not -Be $first.CurrentCertificate.Thumbprint
        $second.NextCertificate.Thumbprint | Should -BeExactly $first.NextCertificate.Thumbprint
        [IO.File]::ReadAllBytes((Join-Path $pair.Dir 'client.next.key')) | Should -Be $nextKey
        $first.Pem | Should -BeExactly ([IO.File]::ReadAllText((Join-Path $pair.Dir 'client.next.crt')))
        $first.NextStep | Should -BeLike '*Settings > mTLS*'
        [IO.File]::GetUnixFileMode((Join-Path $pair.Dir 'client.next.key')) | Should -Be $ownerOnly
        Get-Names $pair.Dir | Should -Be @('client.crt', 'client.key', 'client.next.crt', 'client.next.key')
    }
}

Describe 'Complete-SaleschatCertificateRotation' -Tag 'CI' {
    It 'fails before the upload with NextCertificateNotAccepted and moves nothing' {
        $pair = New-CurrentPair
        $null = Start-SaleschatCertificateRotation -CertificatePath $pair.Crt -KeyPath $pair.Key
        $before = Get-FolderSnapshot $pair.Dir

        $failure = { Complete-SaleschatCertificateRotation -CertificatePath $pair.Crt -KeyPath $pair.Key -ErrorAction Stop } |
            Should -Throw -ErrorId "NextCertificateNotAccepted,$completeCmdlet" -PassThru

        $failure.FullyQualifiedErrorId | Should -BeExactly "NextCertificateNotAccepted,$completeCmdlet"
        $failure.Exception.Message | Should -BeLike '*Upload*'
        Get-FolderSnapshot $pair.Dir | Should -Be $before
        Test-SaleschatMtls -Quiet | Should -BeTrue
    }

    It 'switches the session after start, upload and complete, with no failed call from another runspace' {
        $password = ConvertTo-SecureString 'Rotate-Me-42' -AsPlainText -Force
        $pair = New-CurrentPair -Password $password
        $oldThumbprint = Get-Thumbprint $pair.Crt
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $pair.Crt -KeyPath $pair.Key -KeyPassword $password
        [IO.File]::ReadAllText((Join-Path $pair.Dir 'client.next.key')) | Should -BeLike '-----BEGIN ENCRYPTED PRIVATE KEY-----*'
        Add-EmulatorCertificate -Emulator $emulator -Certificate (Join-Path $pair.Dir 'client.next.crt')

        # Another runspace keeps calling through the same session while the rotation completes.
        $session = [Saleschat.Mtls.Sessions.DefaultSession]::Current
        $stop = [Threading.CancellationTokenSource]::new()
        $manifest = Get-TestModuleManifest
        $caller = Start-ThreadJob -ScriptBlock {
            Import-Module $using:manifest
            $token = ($using:stop).Token
            $ok = 0; $failed = 0; $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not $token.IsCancellationRequested -and [DateTime]::UtcNow -lt $deadline) {
                try { $null = Invoke-SaleschatMtlsRequest -Session $using:session '/__faults/text' -ErrorAction Stop; $ok++ } catch { $failed++ }
            }
            [pscustomobject]@{ Ok = $ok; Failed = $failed }
        }
        try {
            $requests = { [long](Get-EmulatorStats $emulator).requests }
            $mark = & $requests
            Wait-Until { (& $requests) -ge $mark + 5 } -TimeoutSec 30 -Because 'the caller to be calling'
            $completed = Complete-SaleschatCertificateRotation -CertificatePath $pair.Crt -KeyPath $pair.Key -KeyPassword $password
            $mark = & $requests
            Wait-Until { (& $requests) -ge $mark + 5 } -TimeoutSec 30 -Because 'the caller to call with the new certificate'
        }
        finally {
            $stop.Cancel()
            $counts = $caller | Wait-Job -Timeout 60 | Receive-Job
            Remove-Job $caller -Force
        }

        $completed.State.ToString() | Should -BeExactly 'Completed'
        $newThumbprint = $completed.CurrentCertificate.Thumbprint
        Assert-Promoted $pair $oldThumbprint $newThumbprint $password
        $counts.Ok | Should -BeGreaterThan 0 -Because 'the caller made calls'
        $counts.Failed | Should -Be 0
        [Saleschat.Mtls.Sessions.DefaultSession]::Current.Thumbprint | Should -BeExactly $newThumbprint
        (Test-SaleschatMtls).Thumbprint | Should -BeExactly $newThumbprint
    }

    It 'is finished by a rerun after a completion killed after the <CrashAfter> step' -TestCases @(
        @{ CrashAfter = 'previous' }
        @{ CrashAfter = 'key' }
        @{ CrashAfter = 'certificate' }
        @{ CrashAfter = 'cleanup' }
    ) {
        $pair = New-CurrentPair
        $oldThumbprint = Get-Thumbprint $pair.Crt
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $pair.Crt -KeyPath $pair.Key
        Add-EmulatorCertificate -Emulator $emulator -Certificate (Join-Path $pair.Dir 'client.next.crt')
        $newThumbprint = $rotation.NextCertificate.Thumbprint

        # The proof passed; the process dies after one of the promotion's steps (the module's own rotation
        # service, with a hook that fails after the named step, as a killed process would stop there).
        $crash = { param($step) if ($step -eq $CrashAfter) { throw [IO.IOException]::new('simulated crash') } }.GetNewClosure()
        $service = [Saleschat.Mtls.Rotation.RotationService]::new($null, [Action[string]]$crash)
        { $service.Promote([Saleschat.Mtls.Rotation.RotationPaths]::new($pair.Crt, $pair.Key), $null) } | Should -Throw -ExpectedMessage '*simulated crash*'
        Join-Path $pair.Dir 'client.rotation' | Should -Exist

        if ($CrashAfter -eq 'key') {
            # The one moment the pair on disk does not match: loading it says how to finish.
            $mismatch = { Get-SaleschatClientCertificate $pair.Crt -KeyPath $pair.Key -ErrorAction Stop } | Should -Throw -PassThru
            $mismatch.FullyQualifiedErrorId | Should -BeLike 'CertificateKeyMismatch,*'
            $mismatch.Exception.Message | Should -BeLike '*Complete-SaleschatCertificateRotation*'
        }

        { Start-SaleschatCertificateRotation -CertificatePath $pair.Crt -KeyPath $pair.Key -ErrorAction Stop } |
            Should -Throw -ErrorId "RotationInProgress,$startCmdlet"

        $null = Complete-SaleschatCertificateRotation -CertificatePath $pair.Crt -KeyPath $pair.Key -ErrorVariable failure -WarningVariable warnings -WarningAction SilentlyContinue

        $failure | Should -BeNullOrEmpty
        @($warnings | Where-Object { $_.Message -like '*interrupted*' }) | Should -Not -BeNullOrEmpty
        Assert-Promoted $pair $oldThumbprint $newThumbprint
        Test-SaleschatMtls -Quiet | Should -BeTrue
    }

    It 'shows the moves under -WhatIf and changes nothing (what a user sees in pwsh -File)' -Tag 'Slow' {
        $pair = New-CurrentPair
        $null = Start-SaleschatCertificateRotation -CertificatePath $pair.Crt -KeyPath $pair.Key
        Add-EmulatorCertificate -Emulator $emulator -Certificate (Join-Path $pair.Dir 'client.next.crt')
        $before = Get-FolderSnapshot $pair.Dir
        $script = Join-Path $TestDrive 'whatif.ps1'
        Set-Content -LiteralPath $script -Value @'
param($BaseUri, $CaPath, $CertificatePath, $KeyPath)
Import-Module Saleschat.Mtls
$ca = [Security.Cryptography.X509Certificates.X509Certificate2]::new($CaPath)
$null = New-SaleschatSession -BaseUri $BaseUri -OrgId org-1 -ApiKey (ConvertTo-SecureString $env:TEST_KEY -AsPlainText -Force) -CertificatePath $CertificatePath -KeyPath $KeyPath -ServerCertificateAuthority $ca
Complete-SaleschatCertificateRotation -CertificatePath $CertificatePath -KeyPath $KeyPath -WhatIf
'ERRORS=' + $Error.Count
'@
        $run = Invoke-TestPwsh -File $script -ArgumentList $emulator.BaseUri, $emulator.CaPath, $pair.Crt, $pair.Key -ModuleOnPath -Environment @{ TEST_KEY = Get-TestApiKeyText }

        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $run.StdOut | Should -BeLike '*ERRORS=0*' -Because $run.StdErr
        $run.StdOut | Should -BeLike '*What if:*client.previous.crt*'
        Get-FolderSnapshot $pair.Dir | Should -Be $before
    }

    It 'says to start a rotation when none is pending (NoPendingRotation)' {
        $pair = New-CurrentPair
        $failure = { Complete-SaleschatCertificateRotation -CertificatePath $pair.Crt -KeyPath $pair.Key -ErrorAction Stop } |
            Should -Throw -ErrorId "NoPendingRotation,$completeCmdlet" -PassThru
        $failure.FullyQualifiedErrorId | Should -BeExactly "NoPendingRotation,$completeCmdlet"
        $failure.Exception.Message | Should -BeLike '*Start-SaleschatCertificateRotation*'
    }
}
