# The about topic cannot lag the module: every public diagnosis (the MtlsDiagnosis enum) and every error id (the
# constants of ErrorIds) is read by reflection from the built assembly, so names added later must be documented too,
# each at the start of an entry with a description of what it means and what to do.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $module = Get-Module Saleschat.Mtls
    $aboutPath = [IO.Path]::Combine($module.ModuleBase, 'en-US', 'about_Saleschat_Mtls.help.txt')
    $about = [IO.File]::ReadAllText($aboutPath) -replace "`r`n", "`n"

    # The text of one upper-case section (TROUBLESHOOTING, ERROR IDS), up to the next one.
    function Get-AboutSection([string] $Text, [string] $Title) {
        $match = [regex]::Match($Text, "(?ms)^$([regex]::Escape($Title))\n(.*?)(?=^[A-Z][A-Z ]+\n|\z)")
        if ($match.Success) { $match.Groups[1].Value } else { '' }
    }

    # The names of a list whose entries start at a fixed indent and are followed by a description, on the same line
    # (at least two spaces after the name) or indented further on the next line. Returns the names that have none.
    function Get-UndocumentedName([string] $Section, [string[]] $Name, [int] $Indent) {
        $pad = ' ' * $Indent
        foreach ($n in $Name) {
            $entry = "(?m)^$pad$([regex]::Escape($n))(  +\S.*|\n$pad +\S.*)$"
            if ($Section -notmatch $entry) { $n }
        }
    }
}

Describe 'about_Saleschat_Mtls matches the module' -Tag 'CI', 'WinPS' {
    BeforeAll {
        $assembly = [Saleschat.Mtls.MtlsDiagnosis].Assembly
        $diagnoses = [Enum]::GetNames([Saleschat.Mtls.MtlsDiagnosis])
        $errorIds = $assembly.GetType('Saleschat.Mtls.Errors.ErrorIds').GetFields([Reflection.BindingFlags]'Public, Static') |
            Where-Object { $_.IsLiteral } | ForEach-Object { [string]$_.GetRawConstantValue() }
        $troubleshooting = Get-AboutSection $about 'TROUBLESHOOTING'
        $errorSection = Get-AboutSection $about 'ERROR IDS'
    }

    It 'reads the names from the built assembly (the lists are not empty)' {
        $diagnoses | Should -Contain 'ApiKeyRejected'
        $errorIds | Should -Contain 'OrgIdRequired'
        $errorIds.Count | Should -BeGreaterThan 50
    }

    It 'describes every diagnosis in TROUBLESHOOTING' {
        $troubleshooting | Should -Not -BeNullOrEmpty
        Get-UndocumentedName $troubleshooting $diagnoses -Indent 4 | Should -BeNullOrEmpty
    }

    It 'describes every error id in ERROR IDS' {
        $errorSection | Should -Not -BeNullOrEmpty
        Get-UndocumentedName $errorSection $errorIds -Indent 4 | Should -BeNullOrEmpty
    }

    It 'reports a name it is shown without an entry (the check can fail)' {
        $sample = "    Documented                  What it means.`n    Long$('x' * 30)`n                                Next line.`n    Bare`n"
        Get-UndocumentedName $sample 'Documented', "Long$('x' * 30)", 'Bare', 'Absent' -Indent 4 | Should -Be @('Bare', 'Absent')
    }

    It 'says a 401 is ApiKeyRejected, not UnexpectedResponse' {
        $apiKeyRejected = [regex]::Match($troubleshooting, '(?ms)^    ApiKeyRejected\n(.*?)\n\n').Groups[1].Value
        $apiKeyRejected | Should -Match '401'
        $unexpected = [regex]::Match($troubleshooting, '(?ms)^    UnexpectedResponse\n(.*?)(\n\n|\z)').Groups[1].Value
        $unexpected | Should -Not -Match '401'
    }

    It 'names every subject parameter of New-SaleschatClientCertificate, -CommonName included' {
        foreach ($p in 'Organization', 'CommonName', 'OrganizationalUnit', 'Locality', 'State', 'Country', 'Subject') {
            $about | Should -Match "-$p\b"
        }
    }

    It 'fits 80 columns, as Get-Help prints it' {
        $wide = @($about -split "`n" | Where-Object { $_.Length -gt 80 })
        $wide | Should -BeNullOrEmpty
    }
}

Describe 'One path form per route, in help, docs, examples and completion' -Tag 'CI' {
    It 'writes the contact collection as /v2/org/{orgId}/contact and one contact as /v1/orgs/{orgId}/contact/{contactId}' {
        $root = Get-RepoRoot
        $files = @(
            [IO.Path]::Combine($root, 'README.md')
            [IO.Path]::Combine($root, 'en-US', 'about_Saleschat_Mtls.help.txt')
            [IO.Path]::Combine($root, 'en-US', 'Saleschat.Mtls.dll-Help.xml')
        ) + @(Get-ChildItem -LiteralPath ([IO.Path]::Combine($root, 'examples')) -Recurse -File | ForEach-Object FullName)
        $texts = @($files | ForEach-Object { [IO.File]::ReadAllText($_) })
        $completion = (TabExpansion2 -inputScript 'Invoke-SaleschatMtlsRequest -Path /' -cursorColumn 34).CompletionMatches.CompletionText
        $completion | Should -Contain "'/v2/org/{orgId}/contact'"
        $paths = @(($texts + $completion) | ForEach-Object { [regex]::Matches($_, '/v\d+/orgs?/\{orgId\}/contact(/[^\s''"`<)&.,]+)?') } | ForEach-Object Value)
        $paths.Count | Should -BeGreaterThan 5
        $wrong = @($paths | Where-Object { $_ -ne '/v2/org/{orgId}/contact' -and $_ -notmatch '^/v1/orgs/\{orgId\}/contact/[^/]+$' })
        $wrong | Should -BeNullOrEmpty
    }
}
