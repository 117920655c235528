# The recipes in examples/, run as their users run them: a child `pwsh -NoProfile -File` (as a scheduler or a CI
# step starts one), from another working directory, with relative paths, the module found by name on
# PSModulePath, against the emulator. Exit codes are asserted and the output must survive `exit`.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $examples = [IO.Path]::Combine((Get-RepoRoot), 'examples')
    $emulator = Start-TestEmulator
    $work = Join-Path $TestDrive 'work'
    $null = New-Item -ItemType Directory -Path $work
    Copy-Item -LiteralPath $emulator.CaPath -Destination (Join-Path $work 'ca.pem')
    $good = New-TestClientPair -Folder $work -Name 'good' -Emulator $emulator

    function Invoke-Example {
        param([string] $Script, [string[]] $Arguments = @(), [hashtable] $Environment = @{}, [string] $WorkingDirectory = $work)
        $run = Invoke-TestPwsh -File ([IO.Path]::Combine($examples, $Script)) -ArgumentList $Arguments -WorkingDirectory $WorkingDirectory `
            -Environment $Environment -ModuleOnPath -TimeoutSec 120
        $run.TimedOut | Should -BeFalse -Because "$Script must not hang"
        $run | Add-Member -NotePropertyName Text -NotePropertyValue (Get-TestPwshText $run) -PassThru
    }

    function Get-CiSecrets($Pair) {
        @{
            SALESCHAT_CLIENT_CERT = [IO.File]::ReadAllText($Pair.CertificatePath)
            SALESCHAT_CLIENT_KEY  = [Convert]::ToBase64String([IO.File]::ReadAllBytes($Pair.KeyPath))
            SALESCHAT_ORG_ID      = $emulator.OrgId
            SALESCHAT_API_KEY     = $emulator.ApiKey
        }
    }
}

AfterAll {
    Stop-TestEmulator $emulator
}

Describe 'examples/Quickstart.ps1' -Tag 'CI', 'Slow' {
    It 'stops at the upload step, then finishes with -Uploaded, relative -Folder and CA, org and key from the environment' {
        $environment = @{ SALESCHAT_ORG_ID = $emulator.OrgId; SALESCHAT_API_KEY = $emulator.ApiKey }
        $arguments = @('-BaseUri', $emulator.BaseUri, '-ServerCertificateAuthority', './ca.pem', '-Folder', './quickstart')
        $first = Invoke-Example 'Quickstart.ps1' $arguments $environment
        $first.ExitCode | Should -Be 0 -Because $first.Text
        $first.Text | Should -Match 'run again with -Uploaded'
        $first.Text | Should -Match '-----BEGIN CERTIFICATE-----'
        # The table of step 1 survived: printed before the script returned.
        $first.Text | Should -Match 'PublicKeySha256'
        [IO.File]::Exists([IO.Path]::Combine($work, 'quickstart', 'saleschat-client.crt')) | Should -BeTrue

        Add-EmulatorCertificate -Emulator $emulator -Certificate ([IO.Path]::Combine($work, 'quickstart', 'saleschat-client.crt'))
        $second = Invoke-Example 'Quickstart.ps1' ($arguments + '-Uploaded') $environment
        $second.ExitCode | Should -Be 0 -Because $second.Text
        $second.Text | Should -Match 'Hello, world!'
        $second.Text | Should -Match 'Success\s+: True'
        $second.Text | Should -Match 'phone\s+: \+9198'
        $second.Text | Should -Match ([regex]::Escape("Done. Key and certificate are in $([IO.Path]::Combine($work, 'quickstart'))"))
        $second.Text | Should -Not -Match 'BEGIN (RSA |ENCRYPTED )?PRIVATE KEY'
        $second.Text | Should -Not -Match ([regex]::Escape($emulator.ApiKey))
    }

    It 'requires an org id instead of assuming one' {
        $run = Invoke-Example 'Quickstart.ps1' @('-BaseUri', $emulator.BaseUri, '-Folder', './no-org') @{ SALESCHAT_ORG_ID = $null }
        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match 'SALESCHAT_ORG_ID'
    }

    It 'exits 1 when the hello call fails (certificate not uploaded)' {
        $run = Invoke-Example 'Quickstart.ps1' @('-BaseUri', $emulator.BaseUri, '-ServerCertificateAuthority', './ca.pem', '-OrgId', $emulator.OrgId, '-Folder', './refused', '-Uploaded')
        $run.ExitCode | Should -Be 1 -Because $run.Text
        $run.Text | Should -Match 'Success\s+: False'
        $run.Text | Should -Match 'ClientCertificate'
    }

    It 'resolves -Folder against the PowerShell location, not the process directory' {
        $run = Invoke-TestPwsh -WorkingDirectory $TestDrive -ModuleOnPath -TimeoutSec 120 -Command "Set-Location '$work'; & '$([IO.Path]::Combine($examples, 'Quickstart.ps1'))' -OrgId $($emulator.OrgId) -Folder ./moved; exit `$LASTEXITCODE"
        $run.ExitCode | Should -Be 0 -Because (Get-TestPwshText $run)
        [IO.File]::Exists([IO.Path]::Combine($work, 'moved', 'saleschat-client.key')) | Should -BeTrue
        [IO.Directory]::Exists([IO.Path]::Combine($TestDrive, 'moved')) | Should -BeFalse
    }
}

Describe 'examples/ci/Test-SaleschatCi.ps1' -Tag 'CI', 'Slow' {
    It 'passes a good certificate (exit 0) and fails the job when it expires too soon (exit 1)' {
        $secrets = Get-CiSecrets $good
        $ok = Invoke-Example 'ci/Test-SaleschatCi.ps1' @('-BaseUri', $emulator.BaseUri, '-ServerCertificateAuthority', './ca.pem', '-MinimumDaysValid', '30') $secrets
        $ok.ExitCode | Should -Be 0 -Because $ok.Text
        $ok.Text | Should -Match 'Saleschat mTLS OK'
        $ok.Text | Should -Match 'KeyMatchesCertificate\s+Passed'

        $expiring = Invoke-Example 'ci/Test-SaleschatCi.ps1' @('-BaseUri', $emulator.BaseUri, '-ServerCertificateAuthority', './ca.pem', '-MinimumDaysValid', '400') $secrets
        $expiring.ExitCode | Should -Be 1
        $expiring.Text | Should -Match '::error::.*MinimumDaysValid'
        $expiring.Text | Should -Not -Match ([regex]::Escape($emulator.ApiKey))
    }

    It 'fails with exit 2 and the diagnosis when Saleschat refuses the certificate' {
        $notUploaded = New-TestClientPair -Folder (Join-Path $TestDrive 'ci-refused') -Name 'n'
        $run = Invoke-Example 'ci/Test-SaleschatCi.ps1' @('-BaseUri', $emulator.BaseUri, '-ServerCertificateAuthority', './ca.pem') (Get-CiSecrets $notUploaded)
        $run.ExitCode | Should -Be 2 -Because $run.Text
        $run.Text | Should -Match 'ClientCertificateRefused'
    }

    It '<File> calls the gate with every secret it reads' -ForEach @(@{ File = 'ci/github-actions.yml' }, @{ File = 'ci/azure-pipelines.yml' }) {
        $text = [IO.File]::ReadAllText([IO.Path]::Combine($examples, $File))
        $text | Should -Match ([regex]::Escape('./examples/ci/Test-SaleschatCi.ps1'))
        foreach ($v in 'SALESCHAT_CLIENT_CERT', 'SALESCHAT_CLIENT_KEY', 'SALESCHAT_ORG_ID', 'SALESCHAT_API_KEY') { $text | Should -Match $v }
    }
}

Describe 'examples/runbooks/Invoke-SaleschatRunbook.ps1' -Tag 'CI', 'Slow' {
    BeforeAll {
        $stored = Get-SaleschatClientCertificate $good.CertificatePath -KeyPath $good.KeyPath
        Add-TestStoreCertificate $stored
    }
    AfterAll { Remove-TestStoreCertificate $stored }

    It 'runs unattended: the certificate from the store, the API key and org from the environment' {
        $run = Invoke-Example 'runbooks/Invoke-SaleschatRunbook.ps1' @('-CertificateThumbprint', $stored.Thumbprint, '-BaseUri', $emulator.BaseUri, '-ServerCertificateAuthority', './ca.pem') `
            @{ SALESCHAT_API_KEY = $emulator.ApiKey; SALESCHAT_ORG_ID = $emulator.OrgId }
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match "OrgId\s+Contacts\s+CheckedAt"
        $run.Text | Should -Match "$($emulator.OrgId)\s+\d+\s+"
        $run.Text | Should -Not -Match ([regex]::Escape($emulator.ApiKey))
    }

    It 'fails at once, saying what is missing, without an API key' {
        $run = Invoke-Example 'runbooks/Invoke-SaleschatRunbook.ps1' @('-CertificateThumbprint', $stored.Thumbprint, '-OrgId', $emulator.OrgId, '-BaseUri', $emulator.BaseUri) @{ SALESCHAT_API_KEY = $null }
        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match 'SALESCHAT_API_KEY'
    }
}

Describe 'examples/Import-SaleschatContacts.ps1' -Tag 'CI', 'Slow' {
    It 'sends every row with the real Import-Csv and reports the failed ones' {
        $prefix = '+33' + (Get-Random -Minimum 100000 -Maximum 999999)
        [IO.File]::WriteAllText((Join-Path $work 'contacts.csv'), "Name,Phone`nAda,${prefix}1`nBo,${prefix}2`nCy,${prefix}3`nDup,${prefix}1`nEd,${prefix}5`n")
        # As its help shows: a session first, then the script with a relative CSV path.
        $command = "New-SaleschatSession -BaseUri $($emulator.BaseUri) -OrgId $($emulator.OrgId) -CertificatePath ./good.crt -KeyPath ./good.key -ServerCertificateAuthority ./ca.pem | Out-Null; " +
            "& '$([IO.Path]::Combine($examples, 'Import-SaleschatContacts.ps1'))' -Path ./contacts.csv | Format-List"
        $run = Invoke-TestPwsh -Command $command -WorkingDirectory $work -ModuleOnPath -Environment @{ SALESCHAT_API_KEY = $emulator.ApiKey } -TimeoutSec 120
        $text = Get-TestPwshText $run
        $run.ExitCode | Should -Be 0 -Because $text
        $text | Should -Match 'Created\s+: 4'
        $text | Should -Match 'Failed\s+: 1'
        $text | Should -Match '409 UQ_CONSTRAINT_FAILED'
    }
}

Describe 'examples/runbooks/Watch-SaleschatCertificateExpiry.ps1' -Tag 'CI', 'Slow' {
    It 'starts a rotation, waits for the upload, completes it, then rests; relative paths; output survives exit' {
        $watch = Join-Path $TestDrive 'watch'
        $current = New-TestClientPair -Folder $watch -Name 'client' -ValidityDays 10 -Emulator $emulator
        $arguments = @('-CertificatePath', './client.crt', '-KeyPath', './client.key', '-BaseUri', $emulator.BaseUri, '-ServerCertificateAuthority', '../work/ca.pem')
        $environment = @{ SALESCHAT_ORG_ID = $emulator.OrgId }

        # One scheduled run: the exit code and the state it prints.
        function Invoke-Watch([int] $ExitCode, [string] $State) {
            $run = Invoke-Example 'runbooks/Watch-SaleschatCertificateExpiry.ps1' $arguments $environment $watch
            $run.ExitCode | Should -Be $ExitCode -Because $run.Text
            $run.Text | Should -Match "State\s+: $State"
            $run
        }

        $started = Invoke-Watch 2 'ActionRequired'
        $started.Text | Should -Match '-----BEGIN CERTIFICATE-----'
        $null = Invoke-Watch 3 'WaitingForUpload'

        Add-EmulatorCertificate -Emulator $emulator -Certificate (Join-Path $watch 'client.next.crt')
        $completed = Invoke-Watch 0 'Completed'
        $completed.Text | Should -Match 'DaysUntilExpiry\s+: 36[45]'
        $null = Invoke-Watch 0 'NothingToDo'
    }

    It 'sees a pending rotation given relative paths after Set-Location (PowerShell location, not process directory)' {
        $moved = Join-Path $TestDrive 'moved-watch'
        $null = New-TestClientPair -Folder $moved -Name 'client' -ValidityDays 10 -Emulator $emulator
        $script = [IO.Path]::Combine($examples, 'runbooks', 'Watch-SaleschatCertificateExpiry.ps1')
        $command = "Set-Location '$moved'; & '$script' -CertificatePath ./client.crt -KeyPath ./client.key -OrgId $($emulator.OrgId) -BaseUri $($emulator.BaseUri) -ServerCertificateAuthority '$($emulator.CaPath)'; exit `$LASTEXITCODE"
        $first = Invoke-TestPwsh -Command $command -WorkingDirectory $TestDrive -ModuleOnPath -TimeoutSec 120
        (Get-TestPwshText $first) | Should -Match 'State\s+: ActionRequired'
        $second = Invoke-TestPwsh -Command $command -WorkingDirectory $TestDrive -ModuleOnPath -TimeoutSec 120
        $second.ExitCode | Should -Be 3
        (Get-TestPwshText $second) | Should -Match 'State\s+: WaitingForUpload'
    }

    It 'returns the outcome as an object with -PassThru' {
        $passthru = Join-Path $TestDrive 'passthru'
        $pair = New-TestClientPair -Folder $passthru -Name 'client' -Emulator $emulator
        $outcome = & ([IO.Path]::Combine($examples, 'runbooks', 'Watch-SaleschatCertificateExpiry.ps1')) -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -OrgId $emulator.OrgId -PassThru
        $outcome.State.ToString() | Should -Be 'NothingToDo'
        $outcome.DaysUntilExpiry | Should -BeGreaterThan 360
    }
}
