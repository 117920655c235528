# Windows and Windows PowerShell 5.1 behaviour that only a Windows runner can show: owner-only ACLs on key
# files, long paths, the CNG key provider of imported keys, and the .NET Framework HTTP stack (the process-wide
# certificate callback, Expect: 100-continue, failures named by status). Tests tagged 'WinPS' are meant to run in
# Windows PowerShell 5.1 as well; the HTTP ones need no Windows and run on every platform.
# This file must parse in Windows PowerShell 5.1: no ternary, no '??', no '&&', no ForEach-Object -Parallel, and
# $IsWindows does not exist there.

BeforeDiscovery {
    $OnWindows = [Environment]::OSVersion.Platform -eq 'Win32NT'
    $OnDesktop = $PSVersionTable.PSEdition -eq 'Desktop'
}

BeforeAll {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'SaleschatTestUtils.psm1')) -Force
    Import-TestedModule
    $OnWindowsNow = [Environment]::OSVersion.Platform -eq 'Win32NT'

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

Describe 'Long paths and imported keys on Windows' -Tag 'CI' {
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
