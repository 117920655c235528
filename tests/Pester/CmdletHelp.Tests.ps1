# Help is part of the product, and it cannot drift from the cmdlets: every exported cmdlet (whatever the module
# exports, so cmdlets added later are covered without touching this file) has full help that Get-Help finds, and
# its hand-kept MAML (en-US/Saleschat.Mtls.dll-Help.xml) says exactly what Get-Command says about its syntax.
BeforeDiscovery {
    $manifest = Import-PowerShellDataFile ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'Saleschat.Mtls.psd1'))
    $cmdletCases = @($manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    $maml = [xml][IO.File]::ReadAllText([IO.Path]::Combine((Get-Module Saleschat.Mtls).ModuleBase, 'en-US', 'Saleschat.Mtls.dll-Help.xml'))
    $ns = [System.Xml.XmlNamespaceManager]::new($maml.NameTable)
    $ns.AddNamespace('msh', 'http://msh')
    $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
    $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')

    function Get-MamlCommand([string] $Name) {
        $maml.SelectNodes('/msh:helpItems/command:command', $ns) | Where-Object { $_.details.name.Trim() -eq $Name }
    }

    # PlatyPS's spelling of pipeline input, from one parameter's binding in one set.
    function Get-PipelineText($SetMetadata) {
        $kinds = @()
        if ($SetMetadata.ValueFromPipeline) { $kinds += 'ByValue' }
        if ($SetMetadata.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
        if ($kinds) { 'True ({0})' -f ($kinds -join ', ') } else { 'False' }
    }

    function Get-AliasText($Parameter) {
        if ($Parameter.Aliases.Count) { ($Parameter.Aliases | Sort-Object) -join ', ' } else { 'none' }
    }

    function Get-MamlAliasText($Node) {
        $text = [string]$Node.aliases
        if (-not $text -or $text -eq 'none') { return 'none' }
        ($text -split '\s*,\s*' | Sort-Object) -join ', '
    }

    function Get-PositionText([int] $Position) {
        if ($Position -lt 0) { 'named' } else { [string]$Position }
    }

    # The values a parameter accepts: its ValidateSet, or its enum's names (what tab completion offers).
    function Get-ValidateSet($Parameter) {
        $set = $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
        if ($set) { return ($set.ValidValues | Sort-Object) -join ',' }
        $type = $Parameter.ParameterType
        if ([Nullable]::GetUnderlyingType($type)) { $type = [Nullable]::GetUnderlyingType($type) }
        if ($type.IsEnum) { ([Enum]::GetNames($type) | Sort-Object) -join ',' } else { '' }
    }

    function Get-MamlValidateSet($Node) {
        $values = $Node.SelectNodes('command:parameterValueGroup/command:parameterValue', $ns) | ForEach-Object { $_.InnerText.Trim() }
        ($values | Sort-Object) -join ','
    }

    # Every difference between the MAML of one cmdlet and Get-Command's metadata, as readable lines.
    function Compare-HelpWithCommand([string] $Name) {
        $command = Get-Command $Name
        $node = Get-MamlCommand $Name
        if (-not $node) { return "${Name}: no MAML command entry" }
        $problems = [System.Collections.Generic.List[string]]::new()

        $sets = @{}
        foreach ($set in $command.ParameterSets) {
            $key = (($set.Parameters | Where-Object { $common -notcontains $_.Name }).Name | Sort-Object) -join ' '
            $sets[$key] = $set
        }
        $items = @($node.SelectNodes('command:syntax/command:syntaxItem', $ns))
        if ($items.Count -ne $command.ParameterSets.Count) {
            $problems.Add("${Name}: help shows $($items.Count) syntax block(s), the cmdlet has $($command.ParameterSets.Count) parameter set(s) ($(($command.ParameterSets.Name) -join ', '))")
        }
        foreach ($item in $items) {
            $parameters = @($item.SelectNodes('command:parameter', $ns))
            $key = (($parameters | ForEach-Object { $_.name.Trim() }) | Sort-Object) -join ' '
            $set = $sets[$key]
            if (-not $set) {
                $problems.Add("${Name}: help syntax [$key] matches no parameter set; the sets are: $(($sets.Keys | ForEach-Object { "[$_]" }) -join ' ')")
                continue
            }
            foreach ($p in $parameters) {
                $pName = $p.name.Trim()
                $meta = $set.Parameters | Where-Object Name -eq $pName
                $where = "${Name} syntax $($set.Name) -$pName"
                if ([bool]::Parse($p.required) -ne $meta.IsMandatory) { $problems.Add("${where}: help says required=$($p.required), the cmdlet says Mandatory=$($meta.IsMandatory)") }
                if ($p.position -ne (Get-PositionText $meta.Position)) { $problems.Add("${where}: help says position $($p.position), the cmdlet says $(Get-PositionText $meta.Position)") }
                if ($p.pipelineInput -ne (Get-PipelineText $meta)) { $problems.Add("${where}: help says pipelineInput '$($p.pipelineInput)', the cmdlet says '$(Get-PipelineText $meta)'") }
                if ((Get-MamlAliasText $p) -ne (Get-AliasText $meta)) { $problems.Add("${where}: help says aliases '$(Get-MamlAliasText $p)', the cmdlet says '$(Get-AliasText $meta)'") }
                if ((Get-MamlValidateSet $p) -ne (Get-ValidateSet $command.Parameters[$pName])) { $problems.Add("${where}: help offers values '$(Get-MamlValidateSet $p)', the cmdlet accepts '$(Get-ValidateSet $command.Parameters[$pName])'") }
            }
        }

        # The PARAMETERS section: one entry per parameter, and what holds in every set must be what it says.
        $documented = @($node.SelectNodes('command:parameters/command:parameter', $ns))
        $names = @($command.Parameters.Keys | Where-Object { $common -notcontains $_ } | Sort-Object)
        $documentedNames = @($documented | ForEach-Object { $_.name.Trim() } | Sort-Object)
        if (($names -join ' ') -ne ($documentedNames -join ' ')) {
            $problems.Add("${Name}: help PARAMETERS lists [$($documentedNames -join ' ')], the cmdlet has [$($names -join ' ')]")
        }
        foreach ($p in $documented) {
            $pName = $p.name.Trim()
            $parameter = $command.Parameters[$pName]
            if (-not $parameter) { continue }
            $where = "${Name} PARAMETERS -$pName"
            $inSets = @($parameter.ParameterSets.Values)
            if ((Get-MamlAliasText $p) -ne (Get-AliasText $parameter)) { $problems.Add("${where}: help says aliases '$(Get-MamlAliasText $p)', the cmdlet says '$(Get-AliasText $parameter)'") }
            $pipelines = @($inSets | ForEach-Object { Get-PipelineText $_ } | Sort-Object -Unique)
            if ($pipelines.Count -eq 1 -and $p.pipelineInput -ne $pipelines[0]) { $problems.Add("${where}: help says pipelineInput '$($p.pipelineInput)', the cmdlet says '$($pipelines[0])'") }
            $mandatory = @($inSets | ForEach-Object { $_.IsMandatory } | Sort-Object -Unique)
            if ($mandatory.Count -eq 1 -and [bool]::Parse($p.required) -ne $mandatory[0]) { $problems.Add("${where}: help says required=$($p.required), the cmdlet says Mandatory=$($mandatory[0])") }
            $positions = @($inSets | ForEach-Object { Get-PositionText $_.Position } | Sort-Object -Unique)
            if ($positions.Count -eq 1 -and $p.position -ne $positions[0]) { $problems.Add("${where}: help says position $($p.position), the cmdlet says $($positions[0])") }
        }
        $problems
    }
}

Describe 'Help matches the cmdlets' -Tag 'CI', 'WinPS' {
    It '<Name>: syntax blocks, parameter sets, positions, Mandatory, pipeline input, aliases and values match Get-Command' -ForEach $cmdletCases {
        $problems = @(Compare-HelpWithCommand $Name)
        $problems -join "`n" | Should -BeNullOrEmpty
    }

    It 'reports a drift it is shown (the comparison can fail)' {
        # A copy of the help with one parameter's position changed must be caught.
        $node = Get-MamlCommand 'Complete-SaleschatCertificateRotation'
        $original = $maml.OuterXml
        try {
            $p = $node.SelectNodes('command:syntax/command:syntaxItem/command:parameter', $ns) | Where-Object { $_.name.Trim() -eq 'CertificatePath' } | Select-Object -First 1
            $p.position = if ($p.position -eq 'named') { '5' } else { 'named' }
            @(Compare-HelpWithCommand 'Complete-SaleschatCertificateRotation') -join "`n" | Should -Match 'CertificatePath: help says position'
        }
        finally { $maml.LoadXml($original) }
    }
}

Describe 'Every exported cmdlet has full help' -Tag 'CI', 'WinPS' {
    It '<Name> has a synopsis, a description and two examples' -ForEach $cmdletCases {
        $help = Get-Help $Name -Full
        # Without MAML help, Get-Help makes a synopsis from the syntax: "Name [-Param] ...".
        [string]$help.Synopsis | Should -Not -BeNullOrEmpty
        ([string]$help.Synopsis).TrimStart() | Should -Not -BeLike "$Name*"
        (@($help.description) | ForEach-Object Text) -join "`n" | Should -Match '.{40}'
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }

    It '<Name> describes every parameter it has, and none it lacks' -ForEach $cmdletCases {
        $help = Get-Help $Name -Full
        $described = @{}
        foreach ($p in @($help.parameters.parameter)) {
            if ($p) { $described[[string]$p.name] = (@($p.description) | ForEach-Object Text) -join "`n" }
        }
        $parameters = @((Get-Command $Name).Parameters.Keys | Where-Object { $common -notcontains $_ })
        @($parameters | Where-Object { -not $described[$_] -or -not $described[$_].Trim() }) | Should -BeNullOrEmpty -Because 'every parameter needs a description'
        @($described.Keys | Where-Object { $parameters -notcontains $_ }) | Should -BeNullOrEmpty -Because 'help that documents a parameter the cmdlet lacks misleads'
    }

    It '<Name>: every example parses and names only parameters the cmdlets have' -ForEach $cmdletCases {
        $known = @{}
        foreach ($c in Get-Command -Module Saleschat.Mtls) {
            $known[$c.Name] = @($c.Parameters.Keys) + [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        }
        foreach ($code in @((Get-Help $Name -Full).examples.example | ForEach-Object { [string]$_.code })) {
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($code, [ref]$null, [ref]$errors)
            $errors | Should -BeNullOrEmpty -Because $code
            foreach ($command in $ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $commandName = $command.GetCommandName()
                if (-not $commandName -or -not $known.ContainsKey($commandName)) { continue }
                foreach ($p in $command.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                    # PowerShell accepts any unambiguous prefix of a parameter name.
                    @($known[$commandName] | Where-Object { $_ -like "$($p.ParameterName)*" }).Count | Should -BeGreaterThan 0 -Because "$commandName has no -$($p.ParameterName) (example: $code)"
                }
            }
        }
    }

    It '<Name> has an online link for Get-Help -Online' -ForEach $cmdletCases {
        $uri = @((Get-Help $Name -Full).relatedLinks.navigationLink | ForEach-Object { $_.uri } | Where-Object { $_ })[0]
        $uri | Should -Match '^https://'
    }

    It 'exports the certificate cmdlets' {
        $names = (Get-Module Saleschat.Mtls).ExportedCmdlets.Keys
        foreach ($n in 'New-SaleschatClientKey', 'New-SaleschatClientCertificate', 'Get-SaleschatClientCertificate', 'Export-SaleschatClientCertificate', 'Test-SaleschatClientCertificate') {
            $names | Should -Contain $n
        }
    }

    It 'finds the about topic' {
        $text = Get-Help about_Saleschat_Mtls | Out-String
        $text | Should -Match 'about_Saleschat_Mtls'
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match 'New-SaleschatClientCertificate'
    }
}
