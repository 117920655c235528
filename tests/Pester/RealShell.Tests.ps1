# What the real shell shows and the in-process host hid: default views at the widths terminals have,
# relative paths resolved against $PWD (PowerShell drives included), nothing that prompts, the User-Agent sent,
# and only the key sizes Saleschat accepts.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator

    # Every header line of a table: each column name must appear whole on the header line, never stacked.
    function Get-TableHeader([string] $Text) {
        $lines = $Text -split "`r?`n"
        for ($i = 1; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -match '^-{2,}( +-+)*\s*$') { return $lines[$i - 1] }
        }
        $null
    }
}

AfterAll {
    Stop-TestEmulator $emulator
}

Describe 'Default views at 80 and 120 columns' -Tag 'CI' {
    BeforeAll {
        $key = New-SaleschatClientKey -Path (Join-Path $TestDrive 'views.key')
        $certificate = $key | New-SaleschatClientCertificate -Organization Acme -Country IN -State Maharashtra -Locality Mumbai
        $exported = Export-SaleschatClientCertificate $certificate -Path (Join-Path $TestDrive 'views.crt')
        $session = New-TestSession -Emulator $emulator -Pair $pair -Extra @{ NoDefault = $true }
        $hello = Test-SaleschatMtls -Session $session
        $check = Test-SaleschatClientCertificate $certificate
    }

    It 'shows a certificate''s <Columns> at width <Width>' -ForEach @(
        @{ Width = 80; Columns = 'Thumbprint', 'NotAfter', 'DaysLeft', 'HasKey', 'Subject' }
        @{ Width = 120; Columns = 'Thumbprint', 'NotAfter', 'DaysLeft', 'HasKey', 'Subject' }
    ) {
        $text = $certificate | Out-String -Width $Width
        $header = Get-TableHeader $text
        foreach ($c in $Columns) { $header | Should -Match "\b$c\b" }
        $text | Should -Match ([regex]::Escape($certificate.Thumbprint))
        $text | Should -Match ('{0:yyyy-MM-dd}' -f $certificate.NotAfter)
        $text | Should -Match '\b36[45]\s+True\b'
        $text | Should -Match 'CN=Acme'
        # The widest line fits the width: nothing wraps, no header is stacked a letter per line.
        ($text -split "`r?`n" | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual $Width
    }

    It 'shows a key''s Path at width <Width>' -ForEach @(@{ Width = 80 }, @{ Width = 120 }) {
        $text = $key | Out-String -Width $Width
        $header = Get-TableHeader $text
        foreach ($c in 'KeySize', 'Encrypted', 'PublicKeySha256', 'Path') { $header | Should -Match "\b$c\b" }
        if ($Width -ge 120) { $text | Should -Match ([regex]::Escape($key.Path)) }
        else { $text | Should -Match 'views\.key|…' }
    }

    It 'shows the exported file as the FileSystem provider does, at width <Width>' -ForEach @(@{ Width = 80 }, @{ Width = 120 }) {
        $expected = Get-Item -LiteralPath (Join-Path $TestDrive 'views.crt') | Out-String -Width $Width
        $text = $exported | Out-String -Width $Width
        $text | Should -BeExactly $expected
        $text | Should -Match 'views\.crt'
        $text | Should -Match "\b$((Get-Item -LiteralPath (Join-Path $TestDrive 'views.crt')).Length)\b"
    }

    It 'shows <Name> with every key field at width <Width>' -ForEach @(
        @{ Name = 'the session'; Width = 80; Object = 'session'; Fields = 'BaseUri', 'OrgId', 'Thumbprint', 'DaysUntilExpiry' }
        @{ Name = 'the hello result'; Width = 80; Object = 'hello'; Fields = 'Success', 'Diagnosis', 'Message', 'StatusCode' }
        @{ Name = 'the check'; Width = 80; Object = 'check'; Fields = 'Passed', 'Thumbprint', 'DaysUntilExpiry', 'Checks' }
        @{ Name = 'the checks table'; Width = 80; Object = 'checks'; Fields = 'Name', 'Outcome', 'Detail' }
        @{ Name = 'the session'; Width = 120; Object = 'session'; Fields = 'BaseUri', 'OrgId', 'Thumbprint', 'DaysUntilExpiry' }
        @{ Name = 'the hello result'; Width = 120; Object = 'hello'; Fields = 'Success', 'Diagnosis', 'Message', 'StatusCode' }
        @{ Name = 'the checks table'; Width = 120; Object = 'checks'; Fields = 'Name', 'Outcome', 'Detail' }
    ) {
        $value = switch ($Object) { 'session' { $session } 'hello' { $hello } 'check' { $check } 'checks' { $check.Checks } }
        $text = $value | Out-String -Width $Width
        if ($Object -eq 'checks') { foreach ($f in $Fields) { Get-TableHeader $text | Should -Match "\b$f\b" } }
        else { foreach ($f in $Fields) { $text | Should -Match "(^|\n)$f\s*:" } }
        ($text -split "`r?`n" | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual $Width
    }

    It 'shows a rotation with its next step at width 80' {
        $folder = Join-Path $TestDrive 'rotation-view'
        $rotated = New-TestClientPair -Folder $folder -Emulator $emulator
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $rotated.CertificatePath -KeyPath $rotated.KeyPath
        $text = $rotation | Out-String -Width 80
        foreach ($f in 'State', 'Current', 'Next', 'NextCertificatePath', 'NextStep') { $text | Should -Match "(^|\n)$f\s*:" }
    }
}

Describe 'Relative paths resolve against $PWD, PowerShell drives included' -Tag 'CI' {
    BeforeAll {
        $work = Join-Path $TestDrive 'work'
        $null = New-Item -ItemType Directory -Path $work
        Copy-Item -LiteralPath $pair.CertificatePath -Destination (Join-Path $work 'c.crt')
        Copy-Item -LiteralPath $pair.KeyPath -Destination (Join-Path $work 'c.key')
        Copy-Item -LiteralPath $emulator.CaPath -Destination (Join-Path $work 'ca.pem')
        $null = New-PSDrive -Name SaleschatWork -PSProvider FileSystem -Root $work -Scope Global
        # The process directory is elsewhere on purpose: a path resolved against it would miss.
        $processDirectory = [Environment]::CurrentDirectory
        [Environment]::CurrentDirectory = [IO.Path]::GetTempPath()
    }
    AfterAll {
        [Environment]::CurrentDirectory = $processDirectory
        Remove-PSDrive -Name SaleschatWork -ErrorAction SilentlyContinue
    }

    It 'New-SaleschatSession -ServerCertificateAuthority <Ca> and -CertificatePath/-KeyPath <Prefix>c.*, from <Location>' -ForEach @(
        @{ Location = 'work'; Ca = './ca.pem'; Prefix = './' }
        @{ Location = 'work'; Ca = 'ca.pem'; Prefix = '' }
        @{ Location = 'parent'; Ca = 'work/ca.pem'; Prefix = 'work/' }
        @{ Location = 'drive'; Ca = 'SaleschatWork:/ca.pem'; Prefix = 'SaleschatWork:/' }
        @{ Location = 'drive'; Ca = './ca.pem'; Prefix = './' }
    ) {
        $here = switch ($Location) { 'work' { $work } 'parent' { $TestDrive } 'drive' { 'SaleschatWork:/' } }
        Push-Location $here
        try {
            $s = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId $emulator.OrgId -ApiKey (Get-TestApiKey) -NoDefault `
                -CertificatePath "${Prefix}c.crt" -KeyPath "${Prefix}c.key" -ServerCertificateAuthority $Ca
            $s.ServerCertificateAuthority.Thumbprint | Should -Be $emulator.CaCertificate.Thumbprint
            (Test-SaleschatMtls -Session $s).Success | Should -BeTrue
            $s.Dispose()
        }
        finally { Pop-Location }
    }

    It 'takes the CA as a FileInfo too, and as a certificate as before' {
        $s1 = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId $emulator.OrgId -Certificate $pair.Certificate -NoDefault -ServerCertificateAuthority (Get-Item (Join-Path $work 'ca.pem'))
        $s2 = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId $emulator.OrgId -Certificate $pair.Certificate -NoDefault -ServerCertificateAuthority $emulator.CaCertificate
        $s1.ServerCertificateAuthority.Thumbprint | Should -Be $s2.ServerCertificateAuthority.Thumbprint
        $s1.Dispose(); $s2.Dispose()
    }

    It 'says which CA file is missing, resolved against $PWD' {
        Push-Location $work
        try {
            { New-SaleschatSession -BaseUri $emulator.BaseUri -Certificate $pair.Certificate -NoDefault -ServerCertificateAuthority ./missing-ca.pem } |
                Should -Throw -ErrorId 'ParameterArgumentTransformationError,Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand' -ExpectedMessage "*$([IO.Path]::Combine($work, 'missing-ca.pem'))*"
        }
        finally { Pop-Location }
    }

    It '<Command> writes and reads relative to a PowerShell drive' -ForEach @(
        @{ Command = 'New-SaleschatClientKey, New-SaleschatClientCertificate, Export, Get, Test, -OutFile, Start-SaleschatCertificateRotation' }
    ) {
        Push-Location 'SaleschatWork:/'
        try {
            $k = New-SaleschatClientKey -Path ./drive.key
            $k.Path | Should -Be ([IO.Path]::Combine($work, 'drive.key'))
            $c = New-SaleschatClientCertificate -KeyPath ./drive.key -Organization Acme -Path ./drive.crt
            Export-SaleschatClientCertificate $c -Path SaleschatWork:/drive-public.pem | Should -Not -BeNullOrEmpty
            (Get-SaleschatClientCertificate ./drive.crt -KeyPath ./drive.key).HasPrivateKey | Should -BeTrue
            (Test-SaleschatClientCertificate ./drive.crt -KeyPath ./drive.key).Passed | Should -BeTrue
            foreach ($f in 'drive.key', 'drive.crt', 'drive-public.pem') { [IO.File]::Exists([IO.Path]::Combine($work, $f)) | Should -BeTrue }

            $s = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId $emulator.OrgId -ApiKey (Get-TestApiKey) -NoDefault `
                -CertificatePath ./c.crt -KeyPath ./c.key -ServerCertificateAuthority ./ca.pem
            Invoke-SaleschatMtlsRequest -Session $s -Path '/v4/orgs/{orgId}/mtls/hello' -OutFile ./hello.txt
            [IO.File]::ReadAllText([IO.Path]::Combine($work, 'hello.txt')) | Should -Match 'Hello, world!'
            $rotation = Start-SaleschatCertificateRotation -CertificatePath ./drive.crt -KeyPath ./drive.key
            $rotation.NextCertificatePath | Should -Be ([IO.Path]::Combine($work, 'drive.next.crt'))
            [IO.File]::Exists($rotation.NextCertificatePath) | Should -BeTrue
            $s.Dispose()
        }
        finally { Pop-Location }
    }
}

Describe 'New-SaleschatSession never prompts' -Tag 'CI' {
    It 'reads the key from a combined PEM given as -CertificatePath alone' {
        $combined = Join-Path $TestDrive 'combined.pem'
        [IO.File]::WriteAllText($combined, [IO.File]::ReadAllText($pair.CertificatePath) + [IO.File]::ReadAllText($pair.KeyPath))
        $s = New-SaleschatSession -BaseUri $emulator.BaseUri -OrgId $emulator.OrgId -CertificatePath $combined -ServerCertificateAuthority $emulator.CaPath -NoDefault
        (Test-SaleschatMtls -Session $s).Success | Should -BeTrue
        $s.Dispose()
    }

    It 'fails with CertificateHasNoPrivateKey, naming -KeyPath, for a certificate file alone' {
        { New-SaleschatSession -BaseUri $emulator.BaseUri -CertificatePath $pair.CertificatePath -NoDefault } |
            Should -Throw -ErrorId 'CertificateHasNoPrivateKey,Saleschat.Mtls.Cmdlets.NewSaleschatSessionCommand' -ExpectedMessage '*-KeyPath*'
    }

    It 'does not prompt in a child pwsh with no console (stdin closed)' -Tag 'Slow' {
        $run = Invoke-TestPwsh -Command "Import-Module '$(Get-TestModuleManifest)'; try { New-SaleschatSession -BaseUri https://127.0.0.1:1 -CertificatePath '$($pair.CertificatePath)' -NoDefault } catch { `$_.FullyQualifiedErrorId }" -TimeoutSec 60
        $run.TimedOut | Should -BeFalse
        $run.StdOut | Should -Match 'CertificateHasNoPrivateKey'
        $run.StdOut + $run.StdErr | Should -Not -Match 'Supply values for the following parameters'
    }
}

Describe 'What every request carries' -Tag 'CI' {
    It 'sends User-Agent Saleschat.Mtls/(module version) PowerShell/(PowerShell version)' {
        $s = New-TestSession -Emulator $emulator -Pair $pair -Extra @{ NoDefault = $true }
        $echo = Invoke-SaleschatMtlsRequest -Session $s -Path '/__faults/echo'
        $version = (Get-Module Saleschat.Mtls).Version.ToString(3)
        $echo.headers.'User-Agent' | Should -BeExactly "Saleschat.Mtls/$version PowerShell/$($PSVersionTable.PSVersion)"
        $s.Dispose()
    }
}

Describe '-KeySize offers what Saleschat accepts' -Tag 'CI' {
    It '<Command> -KeySize completes to 2048 and 4096 only' -ForEach @(
        @{ Command = 'New-SaleschatClientKey' }
        @{ Command = 'Start-SaleschatCertificateRotation' }
    ) {
        $line = "$Command -KeySize "
        $offered = [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches.CompletionText
        $offered | Should -Be @('2048', '4096')
    }

    It 'refuses -KeySize 3072 at binding' {
        { New-SaleschatClientKey -KeySize 3072 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Saleschat.Mtls.Cmdlets.NewSaleschatClientKeyCommand'
    }
}
