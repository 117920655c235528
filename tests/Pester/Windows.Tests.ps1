# Windows and Windows PowerShell 5.1 behaviour that only a Windows runner can show: owner-only ACLs on key files (read
# back as SIDs: the hosted runners run as the built-in Administrator, whose trustee SDDL writes as "LA"), rotation and
# the temporary-file sweep on those files, a delete-pending rotation lock, long paths, the CNG key provider of imported
# keys, and the .NET Framework HTTP stack (the process-wide certificate callback, Expect: 100-continue, failures named
# by status). Tests tagged 'WinPS' run in both Windows jobs of .github/workflows/ci.yml (Windows PowerShell 5.1, and
# PowerShell 7 on windows-latest); the HTTP ones and the sweep need no Windows and run on every platform.
# This file must parse in Windows PowerShell 5.1: no ternary, no '??', no '&&', no ForEach-Object -Parallel, and
# $IsWindows does not exist there.

BeforeDiscovery {
    $OnWindows = [Environment]::OSVersion.Platform -eq 'Win32NT'
    $OnDesktop = $PSVersionTable.PSEdition -eq 'Desktop'
    $HasOpenSsl = $null -ne (Get-Command openssl -CommandType Application -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $OnWindowsNow = [Environment]::OSVersion.Platform -eq 'Win32NT'
    $HasOpenSslNow = $null -ne (Get-Command openssl -CommandType Application -ErrorAction SilentlyContinue)

    function Get-KeyFileCheck {
        param([string] $KeyPath, $Certificate)
        $result = Test-SaleschatClientCertificate -Certificate $Certificate -KeyPath $KeyPath
        $result.Checks | Where-Object { $_.Name -eq 'KeyFilePermissions' }
    }

    function New-KeyAndCertificate {
        param([string] $KeyPath)
        New-SaleschatClientKey -Path $KeyPath -Force | New-SaleschatClientCertificate -Organization Acme
    }
}

Describe 'Key files on Windows are owner-only and checked as such' -Tag 'CI', 'WinPS' {
    It 'New-SaleschatClientKey writes a protected DACL that grants the current user alone' -Skip:(-not $OnWindows) {
        $me = [Security.Principal.WindowsIdentity]::GetCurrent().User.Value
        $key = Join-Path $TestDrive 'owner.key'
        $certificate = New-KeyAndCertificate -KeyPath $key

        $acl = Get-Acl -LiteralPath $key
        $acl.AreAccessRulesProtected | Should -BeTrue
        $grantees = @($acl.Access | ForEach-Object { $_.IdentityReference.Translate([Security.Principal.SecurityIdentifier]).Value })
        $grantees | Should -Be @($me)
        (Get-KeyFileCheck -KeyPath $key -Certificate $certificate).Outcome | Should -Be 'Passed'
    }

    It 'a key file the Users group can read fails KeyFilePermissions, with icacls advice and no chmod' -Skip:(-not $OnWindows) {
        $key = Join-Path $TestDrive 'shared.key'
        $certificate = New-KeyAndCertificate -KeyPath $key
        $acl = Get-Acl -LiteralPath $key
        $users = [Security.Principal.SecurityIdentifier]::new('S-1-5-32-545') # BUILTIN\Users, by SID: names are localized
        $acl.AddAccessRule([Security.AccessControl.FileSystemAccessRule]::new($users, 'Read', 'Allow'))
        Set-Acl -LiteralPath $key -AclObject $acl

        $check = Get-KeyFileCheck -KeyPath $key -Certificate $certificate
        $check.Outcome | Should -Be 'Failed'
        $check.Detail | Should -Match 'S-1-5-32-545|BU'
        $check.Detail | Should -Match 'icacls'
        $check.Detail | Should -Not -Match 'chmod'
        # The advice names every trustee by SID: the user to keep, and Users to remove (an explicit entry that
        # /inheritance:r alone would keep); never %USERNAME%, which is localized and ambiguous.
        $me = [Security.Principal.WindowsIdentity]::GetCurrent().User.Value
        $check.Detail | Should -Match ([regex]::Escape("/grant:r '*$me" + ':F'))
        $check.Detail | Should -Match ([regex]::Escape("/remove:g '*S-1-5-32-545'"))
        $check.Detail | Should -Not -Match 'USERNAME'
    }

    It 'the runner''s own account passes however SDDL writes it (LA for the built-in Administrator, BA as owner)' -Skip:(-not $OnWindows) {
        # ConvertSecurityDescriptorToStringSecurityDescriptorW writes the built-in Administrator (RID 500) as "LA",
        # NETWORK SERVICE as "NS", LOCAL SERVICE as "LS" ("SID strings", learn.microsoft.com): compared as text against
        # the numeric SID of the current user, the module once called its own new key "readable by LA".
        $me = [Security.Principal.WindowsIdentity]::GetCurrent().User
        $key = Join-Path $TestDrive 'alias.key'
        $certificate = New-KeyAndCertificate -KeyPath $key
        $sddl = (Get-Acl -LiteralPath $key).Sddl
        if ($me.Value -match '-500$') { $sddl | Should -Match '\(A;;FA;;;LA\)' -Because 'the hosted runners run as the built-in Administrator' }
        (Get-KeyFileCheck -KeyPath $key -Certificate $certificate).Outcome | Should -Be 'Passed' -Because $sddl
    }

    It 'a key file with a NULL DACL (everyone has full access) fails KeyFilePermissions' -Skip:(-not $OnWindows) {
        $key = Join-Path $TestDrive 'open.key'
        $certificate = New-KeyAndCertificate -KeyPath $key
        $acl = Get-Acl -LiteralPath $key
        $acl.SetSecurityDescriptorSddlForm('D:NO_ACCESS_CONTROL')
        Set-Acl -LiteralPath $key -AclObject $acl

        $check = Get-KeyFileCheck -KeyPath $key -Certificate $certificate
        $check.Outcome | Should -Be 'Failed'
        $check.Detail | Should -Match 'Everyone|WD'
    }
}

Describe 'Long paths and imported keys on Windows' -Tag 'CI', 'WinPS' {
    # PowerShell 7 only: Windows PowerShell 5.1's own path handling stops at MAX_PATH before the module is called.
    It 'writes and checks a key whose path is longer than MAX_PATH' -Skip:(-not $OnWindows -or $OnDesktop) {
        $folder = $TestDrive
        while ($folder.Length -lt 280) { $folder = [IO.Path]::Combine($folder, 'a-rather-long-folder-name-0123456789') }
        $null = [IO.Directory]::CreateDirectory($folder)
        $key = [IO.Path]::Combine($folder, 'client.key')

        $certificate = New-KeyAndCertificate -KeyPath $key

        [IO.File]::Exists($key) | Should -BeTrue
        (Get-KeyFileCheck -KeyPath $key -Certificate $certificate).Outcome | Should -Be 'Passed'
    }
}

Describe 'Rotation, the temporary-file sweep and the rotation lock on the runner''s own files' -Tag 'CI', 'WinPS' {
    BeforeAll {
        if (-not ('SaleschatDeletePendingFile' -as [type])) {
            # C# 5 for Windows PowerShell 5.1's Add-Type. Leaves a file delete-pending: its DeleteOnClose handle is closed
            # while a second handle (as a scanner or indexer keeps one) stays open for a while; opening the file then fails
            # with ERROR_ACCESS_DENIED until that handle closes ("DeleteFileW", learn.microsoft.com).
            Add-Type -TypeDefinition @'
using System;
using System.IO;
using System.Threading;

public static class SaleschatDeletePendingFile
{
    public static void Leave(string path, int keepMilliseconds)
    {
        var first = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.DeleteOnClose);
        var second = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        first.Dispose();
        ThreadPool.QueueUserWorkItem(delegate { Thread.Sleep(keepMilliseconds); second.Dispose(); });
    }
}
'@
        }
    }

    It 'Start-SaleschatCertificateRotation trusts the files the runner''s account made, and a rerun returns the same pair' -Skip:(-not $OnWindows) {
        $folder = Join-Path $TestDrive 'rotation'
        $null = New-Item -ItemType Directory -Path $folder
        $key = Join-Path $folder 'client.key'
        $crt = Join-Path $folder 'client.crt'
        $null = New-SaleschatClientKey -Path $key | New-SaleschatClientCertificate -Organization Acme -Path $crt

        $first = Start-SaleschatCertificateRotation -CertificatePath $crt -KeyPath $key
        $second = Start-SaleschatCertificateRotation -CertificatePath $crt -KeyPath $key

        $first.State.ToString() | Should -BeExactly 'Pending'
        $second.NextCertificate.Thumbprint | Should -BeExactly $first.NextCertificate.Thumbprint
        $nextKey = Join-Path $folder 'client.next.key'
        (Test-SaleschatClientCertificate -Certificate $first.NextCertificate -KeyPath $nextKey).Checks |
            Where-Object { $_.Name -eq 'KeyFilePermissions' } | ForEach-Object { $_.Outcome } | Should -Be 'Passed'
    }

    It 'waits for a delete-pending rotation lock instead of failing' -Skip:(-not $OnWindows) {
        $folder = Join-Path $TestDrive 'lock'
        $null = New-Item -ItemType Directory -Path $folder
        $key = Join-Path $folder 'client.key'
        $crt = Join-Path $folder 'client.crt'
        $null = New-SaleschatClientKey -Path $key | New-SaleschatClientCertificate -Organization Acme -Path $crt
        [SaleschatDeletePendingFile]::Leave((Join-Path $folder 'client.rotation.lock'), 1500)

        $clock = [Diagnostics.Stopwatch]::StartNew()
        $rotation = Start-SaleschatCertificateRotation -CertificatePath $crt -KeyPath $key -ErrorAction Stop

        $rotation.State.ToString() | Should -BeExactly 'Pending'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 15 -Because 'the lock is taken as soon as the other handle closes'
    }

    It 'a new key file sweeps the temporary file an interrupted write of it left behind' {
        # The sweep removes only the current user's own regular files; on Windows "own" is read from the owner SID,
        # which an elevated administrator's files carry as BA (Administrators).
        $folder = Join-Path $TestDrive 'sweep'
        $null = New-Item -ItemType Directory -Path $folder
        $abandoned = Join-Path $folder '.client.key.0123abcd.tmp'
        $other = Join-Path $folder '.client.key.XYZ.tmp'
        [IO.File]::WriteAllText($abandoned, '-----BEGIN PRIVATE KEY-----')
        [IO.File]::WriteAllText($other, 'not a name the module gives')

        $null = New-SaleschatClientKey -Path (Join-Path $folder 'client.key')

        [IO.File]::Exists($abandoned) | Should -BeFalse
        [IO.File]::Exists($other) | Should -BeTrue
    }
}

Describe 'Keys the module imports on Windows' -Tag 'CI', 'WinPS' {
    It 'lands in the CNG software key storage provider, so TLS 1.3 can use it (dotnet/runtime#58927)' -Skip:(-not $OnWindows) {
        # The certificate New-SaleschatClientCertificate returns holds its key through the module's own PKCS#12 import.
        $loaded = New-KeyAndCertificate -KeyPath (Join-Path $TestDrive 'cng.key')

        $rsa = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($loaded)
        try {
            $rsa | Should -BeOfType ([Security.Cryptography.RSACng])
            $rsa.Key.Provider.Provider | Should -Be 'Microsoft Software Key Storage Provider'
        }
        finally {
            $rsa.Dispose()
            $loaded.Dispose()
        }
    }

    It 'a store-style certificate whose key a CAPI provider holds is kept to TLS 1.2; the module''s own import is not' -Skip:(-not $OnWindows -or $OnDesktop) {
        # GetRSAPrivateKey returns RSACng even for a CAPI key (dotnet/corefx#3502), so the cap is decided from the
        # certificate's CERT_KEY_PROV_INFO (dwProvType 24 here, PROV_RSA_AES): SChannel cannot sign a TLS 1.3 handshake
        # with a CAPI key (dotnet/runtime#58927).
        $tls = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Saleschat.Mtls' } |
            ForEach-Object { $_.GetTypes() } | Where-Object { $_.Name -eq 'TlsPlatform' } | Select-Object -First 1
        $parameters = [Security.Cryptography.CspParameters]::new(24, 'Microsoft Enhanced RSA and AES Cryptographic Provider', "saleschat-test-$([guid]::NewGuid().ToString('n'))")
        $capi = [Security.Cryptography.RSACryptoServiceProvider]::new(2048, $parameters)
        try {
            $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=capi-test', $capi,
                [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
            # CreateSelfSigned links the result to the key it was given: here the CAPI container.
            $withCapiKey = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddMinutes(-5), [DateTimeOffset]::UtcNow.AddDays(1))
            $imported = New-KeyAndCertificate -KeyPath (Join-Path $TestDrive 'cng-tls.key')

            $tls::ProtocolsFor($withCapiKey).ToString() | Should -BeExactly 'Tls12'
            $tls::ProtocolsFor($imported) | Should -Be $tls::Protocols
        }
        finally {
            $capi.PersistKeyInCsp = $false   # delete the test's key container
            $capi.Dispose()
        }
    }

    It 'a session can be made from files: the key opens at session creation' -Skip:(-not $OnWindows) {
        $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'session') -NoUpload
        $session = New-SaleschatSession -BaseUri 'https://127.0.0.1:9/' -OrgId 'org-1' -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -NoDefault
        try { $session.Certificate.HasPrivateKey | Should -BeTrue }
        finally { $session.Dispose() }
    }
}

Describe 'The HTTP stack of either runtime (meant for .NET Framework)' -Tag 'CI', 'WinPS' {
    BeforeAll {
        if (-not ('SaleschatWindowsTlsServer' -as [type])) {
            # C# 5 on purpose: Windows PowerShell 5.1's Add-Type compiles with the .NET Framework compiler.
            Add-Type -TypeDefinition @'
using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;

public sealed class SaleschatWindowsTlsServer : IDisposable
{
    private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    public readonly ConcurrentQueue<string> Received = new ConcurrentQueue<string>();
    public int Connections;

    public SaleschatWindowsTlsServer(X509Certificate2 certificate)
    {
        _certificate = certificate;
        _listener.Start();
        Task.Run(new Action(AcceptLoop));
    }

    public int Port { get { return ((IPEndPoint)_listener.LocalEndpoint).Port; } }

    private void AcceptLoop()
    {
        while (true)
        {
            TcpClient client;
            try { client = _listener.AcceptTcpClient(); } catch { return; }
            System.Threading.Interlocked.Increment(ref Connections);
            Task.Run(new Action(delegate { Serve(client); }));
        }
    }

    private void Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                client.ReceiveTimeout = 5000;
                client.SendTimeout = 5000;
                using (var tls = new SslStream(client.GetStream(), false))
                {
                    tls.AuthenticateAsServer(_certificate, false, SslProtocols.Tls12, false);
                    var head = new StringBuilder();
                    var buffer = new byte[1];
                    while (head.Length < 65536 && !head.ToString().EndsWith("\r\n\r\n") && tls.Read(buffer, 0, 1) == 1)
                    {
                        head.Append((char)buffer[0]);
                    }

                    Received.Enqueue(head.ToString());
                    byte[] answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, world!");
                    tls.Write(answer, 0, answer.Length);
                    tls.Flush();
                }
            }
            catch (IOException) { }
            catch (AuthenticationException) { }
            catch (ObjectDisposedException) { }
        }
    }

    public string AllText() { return string.Join("\n", Received.ToArray()); }

    public void Dispose() { _listener.Stop(); }
}

public static class SaleschatTrustEverything
{
    // What many 5.1 scripts install process-wide; written in C# because a script block has no runspace on the
    // thread pool thread that runs the handshake.
    public static readonly RemoteCertificateValidationCallback Callback = delegate { return true; };
}
'@
        }

        # A server certificate for 127.0.0.1 (SAN IP, serverAuth), re-imported through PKCS#12 so SChannel can use its key.
        $rsa = [Security.Cryptography.RSA]::Create(2048)
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=127.0.0.1', $rsa,
            [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $san = [Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
        $san.AddIpAddress([Net.IPAddress]::Loopback)
        $request.CertificateExtensions.Add($san.Build())
        $eku = [Security.Cryptography.OidCollection]::new()
        $null = $eku.Add([Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.1'))
        $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($eku, $false))
        $made = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddMinutes(-5), [DateTimeOffset]::UtcNow.AddDays(1))
        $serverCertificate = [Security.Cryptography.X509Certificates.X509Certificate2]::new($made.Export('Pfx', 'pw'), 'pw')
        $serverPublic = [Security.Cryptography.X509Certificates.X509Certificate2]::new($made.RawData)
        $made.Dispose()
        $rsa.Dispose()

        $server = [SaleschatWindowsTlsServer]::new($serverCertificate)
        $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'http') -NoUpload
        $sessionParameters = @{
            BaseUri           = "https://127.0.0.1:$($server.Port)/"
            OrgId             = 'org-1'
            ApiKey            = Get-TestApiKey
            CertificatePath   = $pair.CertificatePath
            KeyPath           = $pair.KeyPath
            MaximumRetryCount = 0
            TimeoutSec        = 20
            NoDefault         = $true
        }
    }

    AfterAll {
        if ($server) { $server.Dispose() }
        if ($serverCertificate) { $serverCertificate.Dispose() }
    }

    It 'sends a POST body without waiting for 100 Continue' {
        $session = New-SaleschatSession @sessionParameters -ServerCertificateAuthority $serverPublic
        try {
            $answer = Invoke-SaleschatMtlsRequest -Session $session -Method Post -Path '/v2/org/{orgId}/contact' -Body @{ name = 'Ada' }
        }
        finally { $session.Dispose() }

        $answer | Should -Be 'Hello, world!'
        $server.AllText() | Should -Match '(?m)^POST /v2/org/org-1/contact'
        $server.AllText() | Should -Not -Match '(?mi)^Expect:'
    }

    It 'does not let a process-wide callback that accepts anything trust the server for it' {
        # .NET checks the server's certificate after the TLS 1.2 handshake ends, so a connection may be seen: count requests.
        $requests = { @($server.Received.ToArray() | Where-Object { $_ -match '^[A-Z]+ /' }).Count }
        $before = & $requests
        $session = New-SaleschatSession @sessionParameters
        [Net.ServicePointManager]::ServerCertificateValidationCallback = [SaleschatTrustEverything]::Callback
        try {
            $result = Test-SaleschatMtls -Session $session
        }
        finally {
            [Net.ServicePointManager]::ServerCertificateValidationCallback = $null
            $session.Dispose()
        }

        $result.Diagnosis | Should -Be 'ServerCertificateUntrusted'
        & $requests | Should -Be $before  # no request (no API key, no path) reached the server
    }

    It 'names a closed port ConnectionRefused from the platform''s codes, not its words' {
        $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $probe.Start()
        $closedPort = $probe.LocalEndpoint.Port
        $probe.Stop()
        $parameters = $sessionParameters.Clone()
        $parameters.BaseUri = "https://127.0.0.1:$closedPort/"
        $session = New-SaleschatSession @parameters
        try { $result = Test-SaleschatMtls -Session $session }
        finally { $session.Dispose() }

        $result.Diagnosis | Should -Be 'ConnectionRefused'
    }
}

Describe 'End to end against the emulator on Windows (meant for Windows PowerShell 5.1)' -Tag 'CI', 'WinPS', 'Slow' {
    BeforeAll {
        if (-not $OnWindowsNow) { return }
        $accepting = Start-TestEmulator
        $refusing = Start-TestEmulator -Refusal TlsAlert
        $pair = New-TestClientPair -Folder (Join-Path $TestDrive 'e2e') -Emulator $accepting
    }

    AfterAll {
        Stop-TestEmulator $accepting
        Stop-TestEmulator $refusing
    }

    It 'sends the self-signed certificate and passes the hello call' -Skip:(-not $OnWindows) {
        $session = New-TestSession -Emulator $accepting -Pair $pair -Extra @{ NoDefault = $true }
        try { $result = Test-SaleschatMtls -Session $session }
        finally { $session.Dispose() }

        $result.Message | Should -Not -BeNullOrEmpty
        $result.Diagnosis | Should -Be 'Success' -Because $result.Message
    }

    It 'names a refused certificate ClientCertificateRefused, whatever the language of the platform''s messages' -Skip:(-not $OnWindows) {
        $session = New-TestSession -Emulator $refusing -Pair $pair -Extra @{ NoDefault = $true; MaximumRetryCount = 0 }
        try { $result = Test-SaleschatMtls -Session $session }
        finally { $session.Dispose() }

        $result.Diagnosis | Should -Be 'ClientCertificateRefused' -Because $result.Message
        if ($PSVersionTable.PSEdition -eq 'Desktop') {
            $result.Message | Should -Match 'PowerShell 7'
        }
    }
}

Describe 'A server that names the CAs it accepts (openssl s_server -CAfile), as enterprise edges do' -Tag 'CI', 'WinPS', 'Slow' {
    # In its CertificateRequest the server lists the CAs it accepts (RFC 5246 7.4.4): here one that did not issue ours.
    # .NET Framework then does not send a certificate whose issuer is not listed (referencesource
    # System/net/System/Net/_SecureChannel.cs, AcquireClientCredentials), so Windows PowerShell 5.1 arrives with none;
    # .NET sends it anyway and the server refuses it. Both must read as a refusal the user can act on, and 5.1's must
    # point at PowerShell 7. Started with ProcessStartInfo.Arguments (one string): .NET Framework has no ArgumentList.
    BeforeAll {
        if (-not $HasOpenSslNow) { return }
        $folder = Join-Path $TestDrive 'calist'
        $null = New-Item -ItemType Directory -Path $folder
        $pair = New-TestClientPair -Folder $folder -NoUpload
        $serverKey = Join-Path $folder 'srv.key'
        $serverCrt = Join-Path $folder 'srv.crt'
        $otherKey = Join-Path $folder 'other.key'
        $otherCrt = Join-Path $folder 'other.crt'
        $made = & openssl req -x509 -newkey rsa:2048 -nodes -keyout $serverKey -out $serverCrt -days 2 -subj '/CN=localhost' -addext 'subjectAltName=IP:127.0.0.1' 2>&1
        if ($LASTEXITCODE -ne 0) { throw "openssl req failed: $made" }
        $made = & openssl req -x509 -newkey rsa:2048 -nodes -keyout $otherKey -out $otherCrt -days 2 -subj '/CN=Another CA' 2>&1
        if ($LASTEXITCODE -ne 0) { throw "openssl req failed: $made" }

        $port = Get-FreeTcpPort
        $start = New-Object Diagnostics.ProcessStartInfo 'openssl'
        $start.Arguments = "s_server -accept 127.0.0.1:$port -cert `"$serverCrt`" -key `"$serverKey`" -Verify 1 -CAfile `"$otherCrt`" -verify_return_error -tls1_2 -HTTP"
        $start.WorkingDirectory = $folder
        $start.UseShellExecute = $false
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $server = [Diagnostics.Process]::Start($start)
        $serverOut = $server.StandardOutput.ReadToEndAsync()
        $serverErr = $server.StandardError.ReadToEndAsync()
        Wait-Until -TimeoutSec 15 -Because "openssl s_server on 127.0.0.1:$port" -Condition {
            if ($server.HasExited) { throw "openssl s_server exited: $($serverErr.Result)" }
            $probe = New-Object Net.Sockets.TcpClient
            try { $probe.Connect([Net.IPAddress]::Loopback, $port); $true } catch { $false } finally { $probe.Close() }
        }
    }

    AfterAll {
        if ($server) {
            if (-not $server.HasExited) { $server.Kill() }
            $null = $server.WaitForExit(10000)
            $server.Dispose()
        }
    }

    It 'is a refusal either way; 5.1 sends no certificate and says to use PowerShell 7' -Skip:(-not $HasOpenSsl) {
        $authority = New-Object Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $serverCrt
        $session = New-SaleschatSession -BaseUri "https://127.0.0.1:$port/" -OrgId 'org-1' -CertificatePath $pair.CertificatePath -KeyPath $pair.KeyPath -ServerCertificateAuthority $authority -MaximumRetryCount 0 -NoDefault
        try { $result = Test-SaleschatMtls -Session $session }
        finally { $session.Dispose() }
        if (-not $server.HasExited) { $server.Kill() }
        $null = $server.WaitForExit(10000)
        $log = $serverOut.Result + $serverErr.Result

        $result.Diagnosis.ToString() | Should -BeExactly 'ClientCertificateRefused' -Because "$($result.Message)`n$log"
        if ($PSVersionTable.PSEdition -eq 'Desktop') {
            $log | Should -Match 'did not return a certificate' -Because 'the issuer filter left our self-signed certificate out'
            $result.Message | Should -Match 'PowerShell 7'
        }
        else {
            $log | Should -Match 'verify error' -Because 'PowerShell 7 sends the certificate and the server rejects its issuer'
        }
    }
}
