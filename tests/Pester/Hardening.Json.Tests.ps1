# What a server's JSON can do to the shell: nothing. Every answer is read without recursion a body can drive; the
# worst a body can do is be refused as not valid JSON. Each case runs in a child pwsh, so a crash (a stack overflow
# ends the process and no catch runs) fails the test instead of ending the test run.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $emulator = Start-TestEmulator
    $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'pair') -Emulator $emulator

    # Runs the calls in a fresh pwsh with a session to the emulator; the script prints its findings as lines.
    function Invoke-JsonChild([string] $Calls) {
        $script = Join-Path $TestDrive "json-$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content -LiteralPath $script -Value @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-TestModuleManifest)'
`$null = New-SaleschatSession -BaseUri '$($emulator.BaseUri)' -OrgId '$($emulator.OrgId)' -ApiKey (ConvertTo-SecureString '$($emulator.ApiKey)' -AsPlainText -Force) -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)' -ServerCertificateAuthority ([Security.Cryptography.X509Certificates.X509Certificate2]::new('$($emulator.CaPath)'))
$Calls
'ALIVE'
"@
        Invoke-TestPwsh -File $script -TimeoutSec 180
    }
}

AfterAll {
    Stop-TestEmulator $emulator
}

Describe 'A server''s JSON cannot end the shell' -Tag 'CI', 'Slow' {
    It 'reads a 2xx answer of 10^6 comments (<Shape>) <Mode> and the shell lives on' -TestCases @(
        @{ Shape = 'array'; Mode = 'one at a time'; Extra = '' }
        @{ Shape = 'array'; Mode = 'with -ThrottleLimit 4'; Extra = '-ThrottleLimit 4' }
        @{ Shape = 'object'; Mode = 'one at a time'; Extra = '' }
        @{ Shape = 'object'; Mode = 'with -ThrottleLimit 4'; Extra = '-ThrottleLimit 4' }
    ) {
        $run = Invoke-JsonChild @"
`$answer = 1..2 | ForEach-Object { @{ i = `$_ } } | Invoke-SaleschatMtlsRequest -Method Get '/__faults/comments?count=1000000&shape=$Shape' $Extra
'ANSWERS=' + @(`$answer).Count
'FIRST=' + (@(`$answer)[0] | ForEach-Object { if (`$_ -is [psobject] -and `$_.PSObject.Properties['a']) { `$_.a } else { `$_ } })
"@
        $run.ExitCode | Should -Be 0 -Because "the shell must survive ($($run.StdErr))"
        $run.StdOut | Should -Match 'ALIVE'
        $run.StdOut | Should -Match 'FIRST=1'
    }

    It 'reads comments at every step of <Depth> levels of arrays and objects' -TestCases @(
        @{ Depth = 200 }
    ) {
        $run = Invoke-JsonChild @"
`$value = Invoke-SaleschatMtlsRequest '/__faults/comments?count=1000000&shape=mixed&depth=$Depth'
for (`$i = 0; `$i -lt $Depth; `$i++) { `$value = @(`$value)[0].k }
'LEAF=' + `$value
"@
        $run.ExitCode | Should -Be 0 -Because "the shell must survive ($($run.StdErr))"
        $run.StdOut | Should -Match 'LEAF=1'
    }

    It 'hands an answer nested <Depth> levels deep back as text with a warning, and the shell lives on' -TestCases @(
        @{ Depth = 100000 }
    ) {
        $run = Invoke-JsonChild @"
`$value = Invoke-SaleschatMtlsRequest '/__faults/comments?count=1000&shape=mixed&depth=$Depth' -WarningVariable warned -WarningAction SilentlyContinue
'TYPE=' + `$value.GetType().Name
'WARNED=' + @(`$warned).Count
"@
        $run.ExitCode | Should -Be 0 -Because "the shell must survive ($($run.StdErr))"
        $run.StdOut | Should -Match 'ALIVE'
        $run.StdOut | Should -Match 'TYPE=String'
        $run.StdOut | Should -Match 'WARNED=1'
    }
}
