# examples/scheduling/Register-SaleschatMaintenanceTask.ps1: the Task Scheduler recipe. Everywhere it must parse
# and call the runbook that exists; on Windows (the hosted runners run the WinPS-tagged files in Windows PowerShell
# 5.1 and pwsh) it builds the task with -WhatIf and returns it, registering nothing.
# Parses in Windows PowerShell 5.1 (tag WinPS): no PowerShell-7-only syntax.

BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    $recipe = [IO.Path]::Combine((Get-RepoRoot), 'examples', 'scheduling', 'Register-SaleschatMaintenanceTask.ps1')
    $onWindows = [Environment]::OSVersion.Platform -eq 'Win32NT'
}

Describe 'examples/scheduling/Register-SaleschatMaintenanceTask.ps1' -Tag 'CI', 'WinPS' {
    It 'parses without errors, supports -WhatIf, and points at the watch runbook' {
        $tokens = $null; $errors = $null
        $ast = [Management.Automation.Language.Parser]::ParseFile($recipe, [ref] $tokens, [ref] $errors)
        @($errors) | Should -HaveCount 0
        $binding = $ast.ParamBlock.Attributes | Where-Object { $_.TypeName.Name -eq 'CmdletBinding' }
        ($binding.NamedArguments | Where-Object { $_.ArgumentName -eq 'SupportsShouldProcess' }) | Should -Not -BeNullOrEmpty
        $default = ($ast.ParamBlock.Parameters | Where-Object { $_.Name.VariablePath.UserPath -eq 'ScriptPath' }).DefaultValue.Extent.Text
        $default | Should -Match 'Watch-SaleschatCertificateExpiry\.ps1'
        [IO.File]::Exists([IO.Path]::Combine((Get-RepoRoot), 'examples', 'runbooks', 'Watch-SaleschatCertificateExpiry.ps1')) | Should -BeTrue
        $commands = @($ast.FindAll({ param($n) $n -is [Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() })
        foreach ($c in 'New-ScheduledTaskAction', 'New-ScheduledTaskTrigger', 'New-ScheduledTaskSettingsSet', 'New-ScheduledTaskPrincipal', 'Register-ScheduledTask') {
            $commands | Should -Contain $c
        }
    }

    It 'builds the task with -WhatIf (Windows): the runbook with -AsJson every 15 minutes, one instance at a time' -Skip:(-not $onWindows) {
        $task = & $recipe -CertificatePath 'C:\Saleschat\client.crt' -KeyPath 'C:\Saleschat\client.key' -User 'CONTOSO\svc-saleschat$' -WhatIf
        $task.Actions[0].Execute | Should -Be 'powershell.exe'
        $task.Actions[0].Arguments | Should -Match '-File ".*Watch-SaleschatCertificateExpiry\.ps1" -CertificatePath "C:\\Saleschat\\client\.crt" -KeyPath "C:\\Saleschat\\client\.key" -Environment Production -AsJson'
        $task.Triggers[0].Repetition.Interval | Should -Be 'PT15M'
        $task.Settings.MultipleInstances | Should -Be 'IgnoreNew'
        $task.Principal.UserId | Should -Be 'CONTOSO\svc-saleschat$'
        Get-ScheduledTask -TaskName 'Saleschat certificate maintenance' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
