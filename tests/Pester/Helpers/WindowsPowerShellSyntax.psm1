# Reads a script the way Windows PowerShell 5.1 does and lists what 5.1 cannot run, so the windows-powershell job of
# .github/workflows/ci.yml can be kept green from Linux. Pester's discovery parses EVERY *.Tests.ps1 under the path it is
# given before the WinPS tag filter applies, so every test file must parse in 5.1, and the WinPS-tagged files and the
# helper modules they import must also run there.
Set-StrictMode -Version 3.0

<#
.SYNOPSIS
    Problems Windows PowerShell 5.1 would have with one script file, as strings "file:line: what".
.DESCRIPTION
    - Encoding: 5.1 reads a file without a byte-order mark in the system ANSI code page (Windows-1252 on English
      Windows; about_Character_Encoding, learn.microsoft.com), so a UTF-8 en or em dash (E2 80 93 / E2 80 94) contains
      the byte 0x93/0x94, which 1252 reads as a curly double quote, and PowerShell's tokenizer treats curly quotes as
      quotes. The file is decoded as 1252 and parsed: what then fails to parse fails in 5.1.
    - Syntax added after 5.1 (about_Operators, about_Numeric_Literals in PowerShell 7): ?: ternary, ?? and ??=, && and
      ||, ?. and ?[], the clean block, number suffixes such as 1u or 5n and 0b binary literals.
    - With -Runtime (code that runs in 5.1): ForEach-Object -Parallel, $IsWindows/$IsLinux/$IsMacOS/$IsCoreCLR
      (undefined in 5.1, an error under Set-StrictMode), Join-Path with more than one child path, -AsByteStream,
      ConvertFrom-Json -AsHashtable.
#>
function Find-WindowsPowerShellProblem {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [switch] $Runtime,
        # With -Runtime: check only the code of these functions (those a WinPS test calls) and the file's own top level.
        [string[]] $Function,
        # With -Runtime: check only what Pester runs at discovery, in every file whatever its tags (not the bodies of
        # It, BeforeAll, AfterAll, BeforeEach and AfterEach). $IsWindows and the like are allowed there: without
        # strict mode 5.1 reads them as $null, and the tag filter leaves those blocks out anyway.
        [switch] $DiscoveryOnly
    )
    $name = [IO.Path]::GetFileName($Path)
    $bytes = [IO.File]::ReadAllBytes($Path)
    $hasBom = ($bytes.Length -ge 3 -and $bytes[0] -eq 0xEF -and $bytes[1] -eq 0xBB -and $bytes[2] -eq 0xBF) -or
        ($bytes.Length -ge 2 -and (($bytes[0] -eq 0xFF -and $bytes[1] -eq 0xFE) -or ($bytes[0] -eq 0xFE -and $bytes[1] -eq 0xFF)))
    $text = if ($hasBom) { [IO.File]::ReadAllText($Path) } else { [Text.Encoding]::GetEncoding(1252).GetString($bytes) }

    $tokens = $null
    $errors = $null
    $ast = [Management.Automation.Language.Parser]::ParseInput($text, $Path, [ref] $tokens, [ref] $errors)
    foreach ($e in $errors) {
        $how = if ($hasBom) { '' } else { ' (read as Windows-1252: no byte-order mark)' }
        "${name}:$($e.Extent.StartLineNumber): does not parse$how`: $($e.Message)"
    }

    # Code that runs in 5.1: all of it, or (-Function) only the named functions and what is outside every function.
    $skipped = @()
    if ($Function) {
        $skipped = @($ast.FindAll({ param($n) $n -is [Management.Automation.Language.FunctionDefinitionAst] }, $true) |
            Where-Object { $Function -notcontains $_.Name } | ForEach-Object { $_.Extent })
    }

    if ($DiscoveryOnly) {
        $skipped += @($ast.FindAll({
                    param($n)
                    $n -is [Management.Automation.Language.CommandAst] -and $n.GetCommandName() -in 'It', 'BeforeAll', 'AfterAll', 'BeforeEach', 'AfterEach'
                }, $true) | ForEach-Object { $_.CommandElements | Where-Object { $_ -is [Management.Automation.Language.ScriptBlockExpressionAst] } } |
            ForEach-Object { $_.Extent })
    }

    foreach ($token in $tokens) {
        if ($token.Kind -eq 'Number' -and $token.Text -match '^(0b[01]+|(0x[0-9a-f]+|[0-9]+)(y|uy|s|us|u|ul|n))$') {
            "${name}:$($token.Extent.StartLineNumber): the number literal $($token.Text) (PowerShell 6.2+ suffix or binary form)"
        }
    }

    $found = $ast.FindAll({ $true }, $true)
    foreach ($node in $found) {
        $line = $node.Extent.StartLineNumber
        $type = $node.GetType().Name
        # Whether 5.1 runs this node: asked only of the few nodes a runtime rule matches (a pipeline per node is slow).
        $runsHere = {
            if (-not $Runtime) { return $false }
            foreach ($range in $skipped) {
                if ($node.Extent.StartOffset -ge $range.StartOffset -and $node.Extent.EndOffset -le $range.EndOffset) { return $false }
            }
            $true
        }
        if ($type -eq 'TernaryExpressionAst') { "${name}:${line}: the ?: ternary operator (PowerShell 7)" }
        elseif ($type -eq 'PipelineChainAst') { "${name}:${line}: && or || between pipelines (PowerShell 7)" }
        elseif ($type -eq 'BinaryExpressionAst' -and "$($node.Operator)" -eq 'QuestionQuestion') { "${name}:${line}: the ?? operator (PowerShell 7)" }
        elseif ($type -eq 'AssignmentStatementAst' -and "$($node.Operator)" -eq 'QuestionQuestionEquals') { "${name}:${line}: the ??= operator (PowerShell 7)" }
        elseif (($type -eq 'MemberExpressionAst' -or $type -eq 'InvokeMemberExpressionAst' -or $type -eq 'IndexExpressionAst') -and $node.NullConditional) {
            "${name}:${line}: a ?. or ?[] null-conditional access (PowerShell 7)"
        }
        elseif ($type -eq 'NamedBlockAst' -and "$($node.BlockKind)" -eq 'Clean') { "${name}:${line}: a clean block (PowerShell 7.3)" }
        elseif ($type -eq 'CommandAst') {
            $command = $node.GetCommandName()
            $parameters = @($node.CommandElements | Where-Object { $_ -is [Management.Automation.Language.CommandParameterAst] } | ForEach-Object { $_.ParameterName })
            $parallel = ($command -eq 'ForEach-Object' -or $command -eq '%' -or $command -eq 'foreach') -and $parameters -contains 'Parallel'
            $candidate = $parallel -or $command -eq 'Join-Path' -or $parameters -contains 'AsByteStream' -or $parameters -contains 'AsHashtable'
            if ($candidate -and (& $runsHere)) {
                if (($command -eq 'ForEach-Object' -or $command -eq '%' -or $command -eq 'foreach') -and $parameters -contains 'Parallel') {
                    "${name}:${line}: ForEach-Object -Parallel (PowerShell 7)"
                }
                if ($command -eq 'Join-Path') {
                    $positional = @($node.CommandElements | Select-Object -Skip 1 | Where-Object { $_ -isnot [Management.Automation.Language.CommandParameterAst] })
                    $named = @($parameters | Where-Object { $_ -in 'Path', 'ChildPath' }).Count
                    if ($parameters -contains 'AdditionalChildPath' -or ($positional.Count + $named) -gt 2) {
                        "${name}:${line}: Join-Path with more than one child path (PowerShell 6+)"
                    }
                }
                if ($parameters -contains 'AsByteStream') { "${name}:${line}: -AsByteStream (PowerShell 6+; 5.1 has -Encoding Byte)" }
                if ($command -eq 'ConvertFrom-Json' -and $parameters -contains 'AsHashtable') { "${name}:${line}: ConvertFrom-Json -AsHashtable (PowerShell 6+)" }
            }
        }
        elseif (-not $DiscoveryOnly -and $type -eq 'VariableExpressionAst' -and $node.VariablePath.UserPath -in 'IsWindows', 'IsLinux', 'IsMacOS', 'IsCoreCLR' -and (& $runsHere)) {
            "${name}:${line}: `$$($node.VariablePath.UserPath) (undefined in Windows PowerShell 5.1)"
        }
    }
}

<#
.SYNOPSIS
    Whether a test file has a Describe tagged WinPS (its code then runs in Windows PowerShell 5.1).
#>
function Test-WinPSTaggedFile {
    param([Parameter(Mandatory)] [string] $Path)
    $ast = [Management.Automation.Language.Parser]::ParseFile($Path, [ref] $null, [ref] $null)
    $describes = $ast.FindAll({
            param($n)
            $n -is [Management.Automation.Language.CommandAst] -and $n.GetCommandName() -eq 'Describe'
        }, $true)
    foreach ($d in $describes) {
        if ($d.Extent.Text -match "-Tags?\s+[^{]*'WinPS'") { return $true }
    }
    $false
}

<#
.SYNOPSIS
    The names of the commands a script calls (to know which helper functions its code reaches).
#>
function Get-CalledCommandName {
    param([Parameter(Mandatory)] [string[]] $Path)
    foreach ($p in $Path) {
        $ast = [Management.Automation.Language.Parser]::ParseFile($p, [ref] $null, [ref] $null)
        $ast.FindAll({ param($n) $n -is [Management.Automation.Language.CommandAst] }, $true) |
            ForEach-Object { $_.GetCommandName() } | Where-Object { $_ }
    }
}

Export-ModuleMember -Function Find-WindowsPowerShellProblem, Test-WinPSTaggedFile, Get-CalledCommandName
