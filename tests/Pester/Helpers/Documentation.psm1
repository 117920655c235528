# Reading the documents a user copies from (README sections, workflow files), so tests run what they say.

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

Export-ModuleMember -Function Get-MarkdownCodeBlock, Get-WorkflowStep, ConvertTo-GitHubShellArgument
