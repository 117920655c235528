# Scheduled maintenance of a pair issued by the company's CA (an openssl root and intermediate), against Debian's nginx
# trusting only that root: near expiry the watch runbook (a child `pwsh -File`, as cron runs it) makes the next key and
# a CSR that `openssl req -verify` accepts, never a self-signed certificate, and prints it whole; it waits while the CA's
# reply is missing; once openssl has signed the CSR and the reply is dropped beside the pair, the next run proves it on
# nginx and promotes it, and curl, the reference, is accepted with the new pair.
BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Helpers', 'Pki.psm1')) -Force
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Helpers', 'Maintenance.psm1')) -Force
    Import-TestedModule
    $cmdlet = 'Saleschat.Mtls.Cmdlets.InvokeSaleschatCertificateMaintenanceCommand'
    $root = Join-Path $TestDrive 'pki-maintenance'
    $pki = New-TestPkiAuthority -Folder (Join-Path $root 'ca')
    $edge = Start-TestPkiEdge -Kind Nginx -Authority $pki

    # The pair in use: a CA-issued certificate that expires in -Days (inside a 30-day window), as client.crt (full-chain
    # PEM) and client.key, alone in its folder; the CSR that made it stays with the CA.
    function New-CaIssuedPair([int] $Days = 10) {
        $folder = New-TestFolder $TestDrive
        $csr = Join-Path $root "first-$([guid]::NewGuid().ToString('n').Substring(0, 6)).csr"
        $key = New-SaleschatClientKey -Path (Join-Path $folder 'client.key')
        $null = $key | New-SaleschatCertificateRequest -Organization Acme -Path $csr
        $leaf = Invoke-TestPkiSign -Authority $pki -CsrPath $csr -OutPath "$csr.crt" -Days $Days
        $crt = Join-TestPem -OutPath (Join-Path $folder 'client.crt') -Path $leaf, $pki.Issuing.CertificatePath
        [pscustomobject]@{ CertificatePath = $crt; KeyPath = $key.Path; Folder = $folder }
    }

    function New-EdgeSession($Pair) {
        New-SaleschatSession -BaseUri $edge.BaseUri -OrgId $edge.OrgId -ApiKey (Get-TestApiKey) -ServerCertificateAuthority $edge.CaCertificate `
            -CertificatePath $Pair.CertificatePath -KeyPath $Pair.KeyPath -MaximumRetryCount 0 -NoDefault -WarningAction SilentlyContinue
    }

    function Get-Names([string] $Dir) { @([IO.Directory]::GetFiles($Dir) | ForEach-Object { [IO.Path]::GetFileName($_) } | Sort-Object) }

    # The request block(s) a person would copy from a log: the lines from BEGIN to END, exactly as printed.
    function Get-RequestFromLog([string] $Text) {
        $lines = $Text -split "`r?`n"
        $start = [Array]::IndexOf($lines, '-----BEGIN CERTIFICATE REQUEST-----')
        $end = [Array]::IndexOf($lines, '-----END CERTIFICATE REQUEST-----')
        if ($start -lt 0 -or $end -lt $start) { return $null }
        ($lines[$start..$end] -join "`n") + "`n"
    }
}

AfterAll { Stop-TestServer $edge }

Describe 'Scheduled maintenance of a CA-issued pair (watch runbook, pwsh -File, nginx)' -Tag 'CI', 'Edge', 'Slow' {
    It 'near expiry: a CSR (exit 2) -> waiting for the CA (exit 3, CSR in the log) -> reply dropped -> proven on nginx and promoted (exit 0) -> nothing to do' {
        $pair = New-CaIssuedPair -Days 10
        $old = [Security.Cryptography.X509Certificates.X509Certificate2]::new($pair.CertificatePath).Thumbprint
        $request = Join-Path $pair.Folder 'client.next.csr'
        $drop = Join-Path $pair.Folder 'client.next.issued.pem'

        $started = Invoke-WatchRunbook (Get-WatchArguments $pair $edge -RenewBeforeDays 30 -AsJson)
        $started.ExitCode | Should -Be 2 -Because $started.Text
        $started.Json.State | Should -BeExactly 'ActionRequired'
        $started.Json.RequestFile | Should -BeExactly $request
        $started.Json.IssuedCertificatePath | Should -BeExactly $drop
        $started.Json.UploadFile | Should -BeNullOrEmpty
        $started.Json.Pem | Should -BeExactly ([IO.File]::ReadAllText($request))
        $started.Json.NextStep | Should -Match 'send .*client\.next\.csr to your CA'
        $started.Json.NextCommand | Should -BeExactly "Complete-SaleschatCertificateRotation -CertificatePath '$($pair.CertificatePath)' -KeyPath '$($pair.KeyPath)' -IssuedCertificatePath '$drop'"
        Get-Names $pair.Folder | Should -Be @('client.crt', 'client.key', 'client.next.csr', 'client.next.key')
        Invoke-OpenSsl -Ok req, -in, $request, -verify, -noout, -subject | Should -Match 'CN\s*=\s*Acme-saleschat-mtls'
        Invoke-OpenSsl -Ok req, -in, $request, -noout, -modulus | Should -BeExactly (Invoke-OpenSsl -Ok rsa, -in, (Join-Path $pair.Folder 'client.next.key'), -noout, -modulus)

        # Without -AsJson, as a person reads the log: the CSR copied from it is whole, and the command to run is one line.
        $waiting = Invoke-WatchRunbook (Get-WatchArguments $pair $edge -RenewBeforeDays 30)
        $waiting.ExitCode | Should -Be 3 -Because $waiting.Text
        $waiting.Text | Should -Match 'State\s+: WaitingForUpload'
        $waiting.Text | Should -Match "Waiting for the CA's certificate"
        $copied = Join-Path $root 'copied-from-log.csr'
        [IO.File]::WriteAllText($copied, (Get-RequestFromLog $waiting.StdOut))
        $null = Invoke-OpenSsl -Ok req, -in, $copied, -verify, -noout
        [IO.File]::ReadAllText($copied) | Should -BeExactly ([IO.File]::ReadAllText($request))
        @($waiting.StdOut -split "`n" | Where-Object { $_ -like 'Complete-SaleschatCertificateRotation -CertificatePath*-IssuedCertificatePath*' }) | Should -HaveCount 1
        Get-Names $pair.Folder | Should -Be @('client.crt', 'client.key', 'client.next.csr', 'client.next.key')

        # The CA signs it and returns the lone certificate; it is dropped where the run looks.
        $reply = Invoke-TestPkiSign -Authority $pki -CsrPath $request -OutPath (Join-Path $root 'reply.crt') -Days 200
        Copy-Item $reply $drop
        $new = [Security.Cryptography.X509Certificates.X509Certificate2]::new($reply).Thumbprint

        $completed = Invoke-WatchRunbook (Get-WatchArguments $pair $edge -RenewBeforeDays 30 -AsJson)
        $completed.ExitCode | Should -Be 0 -Because $completed.Text
        $completed.Json.State | Should -BeExactly 'Completed'
        $completed.Json.Thumbprint | Should -BeExactly $new
        $completed.Json.PreviousThumbprint | Should -BeExactly $old
        $completed.Json.DaysUntilExpiry | Should -BeGreaterThan 190
        Get-Names $pair.Folder | Should -Be @('client.crt', 'client.key', 'client.previous.crt', 'client.previous.key')
        # The new pair carries the chain of the old one (the reply had none): leaf, then the issuing CA.
        $promoted = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
        $promoted.ImportFromPemFile($pair.CertificatePath)
        @($promoted.Thumbprint) | Should -Be @($new, [Security.Cryptography.X509Certificates.X509Certificate2]::new($pki.Issuing.CertificatePath).Thumbprint)
        (Invoke-EdgeCurl -Edge $edge -Pair $pair -ApiKey '').Verdict | Should -BeExactly 'Success'
        $session = New-EdgeSession $pair
        try { (Test-SaleschatMtls -Session $session).Diagnosis | Should -Be 'Success' } finally { $session.Dispose() }
        (Get-TestPkiAccessLog $edge)[-1] | Should -Match ([regex]::Escape('verify=SUCCESS subject="CN=Acme-saleschat-mtls,OU=Technology,O=Acme" issuer="CN=Acme Issuing CA,O=Acme" status=200'))

        $rest = Invoke-WatchRunbook (Get-WatchArguments $pair $edge -RenewBeforeDays 30 -AsJson)
        $rest.ExitCode | Should -Be 0 -Because $rest.Text
        $rest.Json.State | Should -BeExactly 'NothingToDo'
    }
}

Describe 'Invoke-SaleschatCertificateMaintenance with a CA reply elsewhere, or for another key' -Tag 'CI', 'Edge', 'Slow' {
    It '-IssuedCertificatePath and -ChainPath take the reply and its chain from where the CA left them, which stay' {
        $pair = New-CaIssuedPair -Days 10
        $session = New-EdgeSession $pair
        try {
            $inbox = New-TestFolder $TestDrive
            $reply = Join-Path $inbox 'from-the-ca.crt'
            $started = Invoke-SaleschatCertificateMaintenance -Session $session -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -IssuedCertificatePath $reply -InformationVariable lines -InformationAction SilentlyContinue
            $started.State | Should -Be 'ActionRequired'
            $started.IssuedCertificatePath | Should -BeExactly $reply
            @($lines.MessageData.Message) | Should -Contain '-----BEGIN CERTIFICATE REQUEST-----'
            Test-Path (Join-Path $pair.Folder 'client.next.crt') | Should -BeFalse

            $null = Invoke-TestPkiSign -Authority $pki -CsrPath $started.RequestFile -OutPath $reply -Days 200
            $done = Invoke-SaleschatCertificateMaintenance -Session $session -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath `
                -IssuedCertificatePath $reply -ChainPath $pki.Issuing.CertificatePath -InformationAction SilentlyContinue

            $done.State | Should -Be 'Completed'
            $session.Thumbprint | Should -BeExactly $done.Thumbprint
            (Test-SaleschatMtls -Session $session).Diagnosis | Should -Be 'Success'
            $reply | Should -Exist
            Get-Names $pair.Folder | Should -Be @('client.crt', 'client.key', 'client.previous.crt', 'client.previous.key')
        }
        finally { $session.Dispose() }
    }

    It 'a reply for another key is CertificateKeyMismatch, and nothing moves' {
        $pair = New-CaIssuedPair -Days 10
        $session = New-EdgeSession $pair
        try {
            $started = Invoke-SaleschatCertificateMaintenance -Session $session -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -InformationAction SilentlyContinue
            Copy-Item $pair.CertificatePath $started.IssuedCertificatePath
            $before = Get-FolderSnapshot $pair.Folder

            { Invoke-SaleschatCertificateMaintenance -Session $session -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -InformationAction SilentlyContinue } |
                Should -Throw -ErrorId "CertificateKeyMismatch,$cmdlet"

            Get-FolderSnapshot $pair.Folder | Should -Be $before
            (Test-SaleschatMtls -Session $session).Diagnosis | Should -Be 'Success'
        }
        finally { $session.Dispose() }
    }
}
