# A new user's first hour, as it is lived: the README's Quickstart pasted, the PEM and the command a rotation prints
# copied from an 80-column log, the README's "Running it outside the repository" commands run from another folder,
# and CI steps whose secret was not mapped, all in a child pwsh exactly as a person, cron or a CI runner starts it.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Helpers', 'Maintenance.psm1')) -Force
    Import-TestedModule
    $repo = Get-RepoRoot
    $readme = [IO.File]::ReadAllText([IO.Path]::Combine($repo, 'README.md')) -replace "`r`n", "`n"
    $emulator = Start-TestEmulator
    $newSession = 'Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand'

    # Runs a pwsh child with the given arguments (after `pwsh`), as a CI runner or cron would start it.
    function Invoke-PwshArguments([string[]] $Arguments, [string] $WorkingDirectory, [hashtable] $Environment = @{}) {
        $run = Invoke-TestPwsh -PwshArgumentList $Arguments -WorkingDirectory $WorkingDirectory -Environment $Environment -ModuleOnPath -TimeoutSec 120
        $run.TimedOut | Should -BeFalse
        $run | Add-Member -NotePropertyName Text -NotePropertyValue (Get-TestPwshText $run) -PassThru
    }

    # Reading the documents a user copies from (README sections, workflow files), so the tests run what they say.

    <#
    .SYNOPSIS
        The fenced code blocks of one language in a Markdown section: from the heading line that reads exactly
        -Heading to the next heading of the same or a higher level, never counting '#' lines inside fences.
    #>
    function Get-MarkdownCodeBlock {
        param([Parameter(Mandatory)] [string] $Markdown, [Parameter(Mandatory)] [string] $Heading, [string] $Language)
        $level = 0
        $fence = $null
        $block = $null
        foreach ($line in ($Markdown -replace "`r`n", "`n") -split "`n") {
            if ($null -eq $fence -and $line -match '^(#+) (.*)$') {
                if ($level -and $Matches[1].Length -le $level) { return }
                if ($Matches[2].Trim() -eq $Heading) { $level = $Matches[1].Length }
                continue
            }
            if ($line -match '^```(\w*)\s*$') {
                if ($null -eq $fence) {
                    $fence = $Matches[1]
                    if ($level -and (-not $Language -or $fence -eq $Language)) { $block = [Collections.Generic.List[string]]::new() }
                }
                else {
                    if ($null -ne $block) { $block -join "`n" }
                    $fence = $null
                    $block = $null
                }
                continue
            }
            if ($null -ne $block) { $block.Add($line) }
        }
    }

    <#
    .SYNOPSIS
        One step of a GitHub Actions workflow, found by its name: its one-line `shell:` and `run:` values.
    #>
    function Get-WorkflowStep {
        param([Parameter(Mandatory)] [string] $Yaml, [Parameter(Mandatory)] [string] $Name)
        $lines = ($Yaml -replace "`r`n", "`n") -split "`n"
        $start = -1
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -match "^(\s*)- name:\s*$([regex]::Escape($Name))\s*$") { $start = $i; $indent = $Matches[1].Length; break }
        }
        if ($start -lt 0) { throw "No step named '$Name'." }
        $step = [ordered]@{ Shell = $null; Run = $null }
        for ($i = $start + 1; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -match '^(\s*)-\s' -and $Matches[1].Length -le $indent) { break }
            if ($lines[$i] -match '^\s+shell:\s*(.+?)\s*$') { $step.Shell = $Matches[1] }
            if ($lines[$i] -match '^\s+run:\s*(.+?)\s*$') { $step.Run = $Matches[1] }
        }
        [pscustomobject]$step
    }

    <#
    .SYNOPSIS
        The arguments GitHub's runner gives pwsh for a step's script file: '-command ". ''{0}''"' for the built-in
        `shell: pwsh`, or the arguments of a custom `shell: pwsh ... {0}` (actions/runner,
        src/Runner.Worker/Handlers/ScriptHandlerHelpers.cs).
    #>
    function ConvertTo-GitHubShellArgument {
        param([Parameter(Mandatory)] [string] $Shell, [Parameter(Mandatory)] [string] $ScriptPath)
        $command, $format = $Shell -split ' ', 2
        if ($command -ne 'pwsh') { throw "Not a pwsh shell: '$Shell'." }
        if (-not $format) { return @('-command', ". '$ScriptPath'") }
        @($format -split ' ' | ForEach-Object { $_.Replace('{0}', $ScriptPath) })
    }
}

AfterAll { Stop-TestEmulator $emulator }

Describe 'The README Quickstart, pasted' -Tag 'CI', 'Slow' {
    It 'sets $orgId, says where it is found, and runs end to end against the emulator' {
        $code = Get-MarkdownCodeBlock -Markdown $readme -Heading 'Quickstart: the documented flow' -Language 'powershell' | Select-Object -First 1
        $code | Should -Match '(?m)^\$orgId = '
        $code | Should -Match 'as shown in the Saleschat web app'
        $code | Should -Not -Match 'Settings > Organi'   # no menu path Saleschat does not document

        # What a person types differently against the emulator: its address and CA instead of -Environment UAT,
        # its org id, the API key from the environment instead of a prompt, and the web app's upload step.
        $upload = "Invoke-RestMethod -Method Post -Uri '$([uri]::new($emulator.ControlUri, 'certificates'))' -InFile ./saleschat-client.crt -ContentType 'application/x-pem-file' | Out-Null"
        $pasted = $code.
            Replace('-Environment UAT', "-BaseUri '$($emulator.BaseUri)' -ServerCertificateAuthority '$($emulator.CaPath)'").
            Replace("'your-org-id'", "'$($emulator.OrgId)'").
            Replace("(Read-Host -AsSecureString 'API key')", '(ConvertTo-SecureString $env:SALESCHAT_API_KEY -AsPlainText -Force)').
            Replace('# 5. Prove the connection', "$upload`n# 5. Prove the connection")
        $pasted | Should -Not -BeExactly $code
        $pasted | Should -Not -Match 'Read-Host'
        $folder = Join-Path $TestDrive 'quickstart-paste'
        $null = New-Item -ItemType Directory -Path $folder
        $script = Join-Path $TestDrive 'quickstart-paste.ps1'
        [IO.File]::WriteAllText($script, "`$ErrorActionPreference = 'Stop'`n" + $pasted)

        $run = Invoke-PwshArguments @('-NoProfile', '-NonInteractive', '-File', $script) $folder @{ SALESCHAT_API_KEY = $emulator.ApiKey; SALESCHAT_ORG_ID = $null }
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.StdErr | Should -BeNullOrEmpty
        $run.Text | Should -Match 'Hello, world!'
        $run.Text | Should -Match 'Success\s+: True'
        $run.Text | Should -Match '-----BEGIN CERTIFICATE-----'
    }
}

Describe 'What a person copies survives an 80-column log' -Tag 'CI', 'Slow' {
    BeforeAll {
        $folder = Join-Path $TestDrive 'rotation log'   # a space, as in many Windows and macOS paths
        $pair = New-TestClientPair -Folder $folder -Emulator $emulator
        $script = Join-Path $TestDrive 'rotate.ps1'
        [IO.File]::WriteAllText($script, "Start-SaleschatCertificateRotation -CertificatePath './client.crt' -KeyPath './client.key'")
        $run = Invoke-PwshArguments @('-NoProfile', '-NonInteractive', '-File', $script) $folder @{ COLUMNS = '80' }
        $lines = $run.StdOut -split "`r?`n"
    }

    It 'prints the rotation at 80 columns (the width PowerShell gives redirected output)' {
        $run.ExitCode | Should -Be 0 -Because $run.Text
        ($lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 80
        $run.Text | Should -Match '(?m)^NextCertificatePath\s+: /'
    }

    It 'prints a PEM that openssl x509 reads when copied from the log, for the next certificate' {
        $pem = Get-PemFromLog $run.StdOut
        $pem | Should -Not -BeNullOrEmpty -Because $run.Text
        $copied = Join-Path $TestDrive 'copied.pem'
        [IO.File]::WriteAllText($copied, $pem)

        $next = Get-SaleschatClientCertificate -Path (Join-Path $folder 'client.next.crt')
        Get-OpenSslThumbprint $copied | Should -BeExactly $next.Thumbprint
    }

    It 'prints the next command so that, copied from the log, it names the same files' {
        $first = [array]::IndexOf($lines, 'Complete-SaleschatCertificateRotation `')
        $first | Should -BeGreaterOrEqual 0 -Because $run.Text
        $last = $first
        while ($lines[$last].EndsWith('`')) { $last++ }
        $command = ($lines[$first..$last]) -join "`n"
        $errors = $null
        $ast = [Management.Automation.Language.Parser]::ParseInput($command, [ref]$null, [ref]$errors)
        $errors | Should -BeNullOrEmpty
        $call = $ast.Find({ param($n) $n -is [Management.Automation.Language.CommandAst] }, $true)
        $call.GetCommandName() | Should -BeExactly 'Complete-SaleschatCertificateRotation'
        $values = @{}
        for ($i = 0; $i -lt $call.CommandElements.Count - 1; $i++) {
            $element = $call.CommandElements[$i]
            if ($element -is [Management.Automation.Language.CommandParameterAst]) { $values[$element.ParameterName] = $call.CommandElements[$i + 1].SafeGetValue() }
        }
        $values.CertificatePath | Should -BeExactly $pair.CertificatePath
        $values.KeyPath | Should -BeExactly $pair.KeyPath
    }

    It 'after completion shows no next file: NextCertificatePath is empty, and the view says what was done' {
        Add-EmulatorCertificate -Emulator $emulator -Certificate (Join-Path $folder 'client.next.crt')
        $session = New-TestSession -Emulator $emulator -Pair $pair -Extra @{ NoDefault = $true }
        $done = Complete-SaleschatCertificateRotation -Session $session -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath
        $done.State | Should -Be 'Completed'
        $done.NextCertificatePath | Should -BeNullOrEmpty
        $done.NextKeyPath | Should -BeNullOrEmpty
        [IO.File]::Exists($done.PreviousCertificatePath) | Should -BeTrue
        $text = $done | Out-String -Width 80
        $text | Should -Not -Match 'NextCertificatePath'
        $text | Should -Match 'Done:'
        ($text -split "`r?`n" | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }
}

Describe 'The CI check names what is missing' -Tag 'CI', 'Slow' {
    BeforeAll {
        $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'ci') -Emulator $emulator
        $refused = New-TestClientPair -Folder (Join-Path $TestDrive 'ci-refused') -Name 'refused'
        $gate = [IO.Path]::Combine($repo, 'examples', 'ci', 'Test-SaleschatCi.ps1')
        $target = @('-BaseUri', [string]$emulator.BaseUri, '-ServerCertificateAuthority', $emulator.CaPath)
        function Get-Secrets($Pair) {
            @{
                SALESCHAT_CLIENT_CERT = [IO.File]::ReadAllText($Pair.CertificatePath)
                SALESCHAT_CLIENT_KEY  = [IO.File]::ReadAllText($Pair.KeyPath)
                SALESCHAT_ORG_ID      = $emulator.OrgId
                SALESCHAT_API_KEY     = $emulator.ApiKey
            }
        }
    }

    It 'New-SaleschatSession refuses at once without an org id (OrgIdRequired), naming -OrgId and SALESCHAT_ORG_ID' {
        $saved = $env:SALESCHAT_ORG_ID
        try {
            $env:SALESCHAT_ORG_ID = $null
            $failure = { New-SaleschatSession -BaseUri $emulator.BaseUri -Certificate $pair.Certificate -NoDefault -ErrorAction Stop } |
                Should -Throw -ErrorId "OrgIdRequired,$newSession" -PassThru
            $failure.Exception.Message | Should -Match 'SALESCHAT_ORG_ID'
            $failure.Exception.Message | Should -Match '-OrgId'
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        finally { $env:SALESCHAT_ORG_ID = $saved }
    }

    It 'the gate exits 3 naming <Missing> when it is <Why>' -TestCases @(
        @{ Missing = 'SALESCHAT_CLIENT_CERT'; Why = 'an unmapped GitHub secret (empty)'; Value = '' }
        @{ Missing = 'SALESCHAT_CLIENT_KEY'; Why = 'an undefined Azure DevOps variable (left as $(NAME))'; Value = '$(SALESCHAT_CLIENT_KEY)' }
        @{ Missing = 'SALESCHAT_ORG_ID'; Why = 'not set at all'; Value = $null }
    ) {
        $environment = Get-Secrets $pair
        $environment[$Missing] = $Value
        $run = Invoke-PwshArguments (@('-NoProfile', '-NonInteractive', '-File', $gate) + $target) $TestDrive $environment
        $run.ExitCode | Should -Be 3 -Because $run.Text
        $run.Text | Should -Match "::error::Not set in this step's environment: $Missing\."
        $run.Text | Should -Not -Match 'Cannot validate argument'
    }

    It 'keeps exit code <Expected> under GitHub Actions'' wrapper with the workflow''s shell (<Shell>)' -TestCases @(
        @{ Shell = 'from the workflow'; Expected = 2 }
        @{ Shell = 'pwsh'; Expected = 1 }   # GitHub's default: why the workflow names its shell
    ) {
        $workflow = [IO.File]::ReadAllText([IO.Path]::Combine($repo, 'examples', 'ci', 'github-actions.yml'))
        $step = Get-WorkflowStep -Yaml $workflow -Name 'Check the certificate and the mTLS connection'
        $step.Shell | Should -BeExactly 'pwsh -NoProfile -File {0}'
        $shell = if ($Shell -eq 'pwsh') { 'pwsh' } else { $step.Shell }
        $run = $step.Run.Replace('-Environment Production', "-BaseUri $($emulator.BaseUri) -ServerCertificateAuthority '$($emulator.CaPath)'")
        $run | Should -Not -BeExactly $step.Run

        # What the runner writes (ScriptHandlerHelpers.FixUpScriptContents in actions/runner) and how it starts it
        # (GetScriptArgumentsFormat: '-command ". ''{0}''"' for the built-in pwsh, the given format otherwise).
        $file = Join-Path $TestDrive "step-$Expected.ps1"
        [IO.File]::WriteAllText($file, "`$ErrorActionPreference = 'stop'`n$run`nif ((Test-Path -LiteralPath variable:\LASTEXITCODE)) { exit `$LASTEXITCODE }")
        $arguments = ConvertTo-GitHubShellArgument -Shell $shell -ScriptPath $file
        # The workspace is the checkout: the step's relative path is relative to the repository.
        $run = Invoke-PwshArguments $arguments $repo (Get-Secrets $refused)
        $run.ExitCode | Should -Be $Expected -Because $run.Text
        $run.Text | Should -Match 'ClientCertificateRefused'
    }
}

Describe 'Running it outside the repository, as the README says' -Tag 'CI', 'Slow' {
    It 'copies the module and the gate, then runs it from another directory with PSModulePath (no Gallery)' {
        $blocks = @(Get-MarkdownCodeBlock -Markdown $readme -Heading 'Running it outside the repository (cron, CI, no Gallery)' -Language 'sh')
        $blocks.Count | Should -BeGreaterOrEqual 2
        $install = Join-Path $TestDrive 'opt saleschat'   # the folder a reader picks; a space must not break it
        $bin = Join-Path $TestDrive 'bin'
        $null = New-Item -ItemType Directory -Path $bin
        # `pwsh` on PATH, as an installed PowerShell is: the suite's own pwsh.
        $pwsh = Get-PwshCommandLine
        $shim = Join-Path $bin 'pwsh'
        [IO.File]::WriteAllText($shim, "#!/bin/sh`nexec '$($pwsh.FileName)' $(($pwsh.Prefix | ForEach-Object { "'$_'" }) -join ' ') `"`$@`"`n")
        & chmod +x $shim

        # The build already ran; every other line runs as written, with the reader's folder and the emulator.
        $setup = ($blocks[0] -split "`n" | Where-Object { $_ -notmatch '^dotnet build' }) -join "`n"
        $job = $blocks[1].Replace('-Environment Production', "-BaseUri $($emulator.BaseUri) -ServerCertificateAuthority '$($emulator.CaPath)'")
        $script = ($setup + "`n" + $job).Replace('/opt/saleschat', "'$install'")
        $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'outside') -Emulator $emulator
        $environment = @{
            PATH                  = $bin + [IO.Path]::PathSeparator + $env:PATH
            PSModulePath          = $null   # nothing from the suite: only what the commands set
            SALESCHAT_CLIENT_CERT = [IO.File]::ReadAllText($pair.CertificatePath)
            SALESCHAT_CLIENT_KEY  = [IO.File]::ReadAllText($pair.KeyPath)
            SALESCHAT_ORG_ID      = $emulator.OrgId
        }
        $start = New-TestProcessStartInfo -FileName 'sh' -ArgumentList @('-c', "set -e`n$script") -WorkingDirectory $repo -Environment $environment
        $run = Stop-TestPwsh -Child (Start-TestChildProcess -StartInfo $start) -TimeoutSec 120
        $text = Get-TestPwshText $run
        $run.ExitCode | Should -Be 0 -Because "$script`n$text"
        $text | Should -Match 'Saleschat mTLS OK'
        [IO.File]::Exists([IO.Path]::Combine($install, 'Modules', 'Saleschat.Mtls', 'Saleschat.Mtls.psd1')) | Should -BeTrue
    }

    It 'the emulator''s --help says its defaults, the upload endpoint and --ignore-stdin' {
        $dll = [IO.Path]::Combine($repo, 'tests', 'Saleschat.Emulator', 'bin', 'Release', 'net10.0', 'Saleschat.Emulator.dll')
        $help = (& dotnet $dll --help 2>&1) -join "`n"
        $LASTEXITCODE | Should -Be 0
        foreach ($text in 'default test-api-key', 'default org-1', 'POST <controlUri>/certificates', '--ignore-stdin', 'exits at once') {
            $help | Should -Match ([regex]::Escape($text))
        }
    }
}
