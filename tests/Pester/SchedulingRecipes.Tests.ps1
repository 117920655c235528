# The scheduling recipes in examples/scheduling/, checked as far as this machine allows: the systemd units with
# `systemd-analyze verify`, the crontab line against crontab(5)'s field syntax (no crontab binary here), the GitHub
# Actions schedule, and the Azure Automation runbook run for real in a child pwsh against the emulator, with
# Get-AutomationVariable supplied as Azure Automation supplies it and a webhook that must get "action required".
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Helpers', 'Maintenance.psm1')) -Force
    Import-TestedModule
    $recipes = [IO.Path]::Combine((Get-RepoRoot), 'examples', 'scheduling')
    $runbook = [IO.Path]::Combine((Get-RepoRoot), 'examples', 'runbooks', 'Watch-SaleschatCertificateExpiry.ps1')

    # crontab(5): minute hour day-of-month month day-of-week, each *, a number, a range, a list, with /step.
    function Test-CronField([string] $Field, [int] $Low, [int] $High) {
        foreach ($part in $Field -split ',') {
            if ($part -notmatch '^(\*|(\d+)(-(\d+))?)(/(\d+))?$') { return $false }
            foreach ($n in @($Matches[2], $Matches[4]) | Where-Object { $_ }) { if ([int]$n -lt $Low -or [int]$n -gt $High) { return $false } }
        }
        $true
    }

    function Test-CronSchedule([string] $Schedule) {
        $fields = $Schedule -split '\s+'
        $fields.Count -eq 5 -and (Test-CronField $fields[0] 0 59) -and (Test-CronField $fields[1] 0 23) -and (Test-CronField $fields[2] 1 31) -and
            (Test-CronField $fields[3] 1 12) -and (Test-CronField $fields[4] 0 7)
    }

    # The runbook's parameters, to check that every recipe calls it with parameters it has.
    $runbookParameters = (Get-Command $runbook).Parameters.Keys

    function Assert-CallsRunbook([string] $Command) {
        $Command | Should -Match 'Watch-SaleschatCertificateExpiry\.ps1'
        foreach ($name in [regex]::Matches($Command, '(?<=\s)-([A-Z][A-Za-z]+)') | ForEach-Object { $_.Groups[1].Value } | Where-Object { $_ -notin 'NoProfile', 'NonInteractive', 'File', 'ExecutionPolicy' }) {
            $runbookParameters | Should -Contain $name
        }
    }
}

Describe 'examples/scheduling: systemd and cron' -Tag 'CI' {
    It 'the service and timer pass systemd-analyze verify' -Skip:(-not (Get-Command systemd-analyze -ErrorAction Ignore)) {
        $dir = Join-Path $TestDrive 'units'
        $null = New-Item -ItemType Directory -Path $dir
        foreach ($unit in 'saleschat-certificate-maintenance.service', 'saleschat-certificate-maintenance.timer') { Copy-Item (Join-Path $recipes $unit) $dir }
        # verify checks that ExecStart's program exists: a stand-in pwsh at the path the unit names is made only if missing.
        $service = Join-Path $dir 'saleschat-certificate-maintenance.service'
        $text = [IO.File]::ReadAllText($service).Replace('/usr/bin/pwsh', (Get-Command sh).Source)
        [IO.File]::WriteAllText($service, $text)
        $output = & systemd-analyze verify --man=no (Join-Path $dir 'saleschat-certificate-maintenance.timer') $service 2>&1
        $problems = @($output | Where-Object { "$_" -match [regex]::Escape($dir) -or "$_" -match 'saleschat-certificate-maintenance' })
        $problems | Should -HaveCount 0 -Because ($output -join "`n")
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
    }

    It 'the service treats "action required", "waiting" and "locked" as success and calls the runbook with -AsJson' {
        $text = [IO.File]::ReadAllText((Join-Path $recipes 'saleschat-certificate-maintenance.service'))
        $text | Should -Match '(?m)^SuccessExitStatus=2 3 5$'
        $exec = [regex]::Match($text, '(?m)^ExecStart=(.*)$').Groups[1].Value
        Assert-CallsRunbook $exec
        $exec | Should -Match '-AsJson'
        [IO.File]::ReadAllText((Join-Path $recipes 'saleschat-certificate-maintenance.timer')) | Should -Match '(?m)^OnCalendar=\*:0/15$'
    }

    It 'the crontab line has five valid schedule fields, no unescaped %, and calls the runbook' {
        $lines = @([IO.File]::ReadAllLines((Join-Path $recipes 'saleschat-certificate-maintenance.cron')) | Where-Object { $_ -and -not $_.StartsWith('#') -and $_ -notmatch '^[A-Z_]+=' })
        $lines | Should -HaveCount 1
        $fields = $lines[0] -split '\s+', 6
        Test-CronSchedule ($fields[0..4] -join ' ') | Should -BeTrue
        $fields[5] | Should -Not -Match '(?<!\\)%' -Because 'cron turns % into a newline'
        Assert-CallsRunbook $fields[5]
    }
}

Describe 'examples/scheduling: CI schedule and Azure Automation' -Tag 'CI', 'Slow' {
    BeforeAll { $emulator = Start-TestEmulator }
    AfterAll { Stop-TestEmulator $emulator }

    It 'the GitHub Actions workflow runs on a valid schedule, calls the runbook with -AsJson and fails on 1 and 4' {
        $text = [IO.File]::ReadAllText((Join-Path $recipes 'github-actions-maintenance.yml'))
        $cron = [regex]::Match($text, "cron: '([^']+)'").Groups[1].Value
        Test-CronSchedule $cron | Should -BeTrue
        $call = [regex]::Match($text, '(?m)^\s*\$line = & (.*)$').Groups[1].Value
        Assert-CallsRunbook $call
        $call | Should -Match '-AsJson'
        $text | Should -Match ([regex]::Escape('if ($code -in 1, 4)'))
        foreach ($v in 'SALESCHAT_API_KEY', 'SALESCHAT_ORG_ID', 'SALESCHAT_NOTIFY_URI') { $text | Should -Match $v }
    }

    It 'the Azure Automation runbook starts the rotation, posts "action required" to the webhook and writes the JSON line' {
        $pair = New-ShortLivedClientPair -Folder (Join-Path $TestDrive 'automation') -Minutes 600
        $hook = Start-CaptureServer
        try {
            # Azure Automation provides Get-AutomationVariable; here a function stands in for it, with the same name and -Name.
            $variables = "@{ SaleschatApiKey = '$(Get-TestApiKeyText)'; SaleschatOrgId = '$($emulator.OrgId)'; SaleschatNotifyUri = 'http://127.0.0.1:$($hook.Port)/hook' }"
            $command = "function Get-AutomationVariable { param([string] `$Name) $variables[`$Name] }; " +
                "& '$(Join-Path $recipes 'azure-automation-runbook.ps1')' -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)' -BaseUri '$($emulator.BaseUri)' -ServerCertificateAuthority '$($emulator.CaPath)' -RenewBeforeDays 1"
            $run = Invoke-TestPwsh -Command $command -ModuleOnPath -TimeoutSec 120
            $text = Get-TestPwshText $run
            $run.ExitCode | Should -Be 0 -Because $text
            $json = @($run.StdOut -split "`n" | Where-Object { $_.StartsWith('{"State"') })
            $json | Should -HaveCount 1 -Because $text
            ($json[0] | ConvertFrom-Json).State | Should -BeExactly 'ActionRequired'
            Wait-Until { $hook.AllText() -match 'ActionRequired' } -TimeoutSec 10 -Because 'the webhook post'
            $hook.AllText() | Should -Match 'client\.next\.crt'
            $text | Should -Not -Match ([regex]::Escape((Get-TestApiKeyText)))
        }
        finally { $hook.Dispose() }
    }
}
