# Shared fixtures for the Pester suite: the built module, the emulator as a child process, child pwsh runs
# (how schedulers and CI run scripts), throwaway key pairs and a capture server. Every *.Tests.ps1 imports
# this module in BeforeAll. Nothing here prompts; every wait has a deadline; every process started is stopped.
Set-StrictMode -Version 3.0

$script:RepoRoot = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', '..'))
$script:Configuration = if ($env:SALESCHAT_TEST_CONFIGURATION) { $env:SALESCHAT_TEST_CONFIGURATION } else { 'Release' }

# The API key and org the emulator accepts unless a test asks for others.
$script:TestApiKey = 'sk_test_Zq8vB3nR7tLx2PwK9mYc'
$script:TestOrgId = 'org-1'

function Get-RepoRoot { $script:RepoRoot }

function Get-TestApiKey {
    [OutputType([securestring])]
    param([string] $Key = $script:TestApiKey)
    ConvertTo-SecureString -String $Key -AsPlainText -Force
}

function Get-TestApiKeyText { $script:TestApiKey }

function Get-TestOrgId { $script:TestOrgId }

# The importable module folder that `dotnet build` leaves in out/, as a user would import it.
function Get-TestModuleManifest {
    $path = [IO.Path]::Combine($script:RepoRoot, 'out', 'Saleschat.Mtls', 'Saleschat.Mtls.psd1')
    if (-not [IO.File]::Exists($path)) { throw "The module is not built: run ./build.ps1 -Task Build first ($path missing)." }
    $path
}

function Import-TestedModule {
    Import-Module (Get-TestModuleManifest) -Force -Global
}

# The pwsh that runs this suite, started as `dotnet <pwsh.dll>` (not through the .NET tool's launcher), so a test
# that kills it kills the real process and nothing is left running.
function Get-PwshCommandLine {
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $exe = $process.MainModule.FileName
    $pwshDll = [IO.Path]::Combine($PSHOME, 'pwsh.dll')
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet' -and [IO.File]::Exists($pwshDll)) {
        return [pscustomobject]@{ FileName = $exe; Prefix = @($pwshDll) }
    }
    [pscustomobject]@{ FileName = $exe; Prefix = @() }
}

<#
.SYNOPSIS
    Runs a script or a command in a fresh `pwsh -NoProfile`, as a scheduler or a CI step would: no prompt
    (stdin closed), a chosen working directory and window width, a deadline after which the process is killed.
    Returns ExitCode, StdOut, StdErr and TimedOut.
#>
function Invoke-TestPwsh {
    [CmdletBinding(DefaultParameterSetName = 'Command')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'File')] [string] $File,
        [Parameter(ParameterSetName = 'File')] [string[]] $ArgumentList = @(),
        [Parameter(Mandatory, ParameterSetName = 'Command')] [string] $Command,
        [string] $WorkingDirectory = $PWD.ProviderPath,
        [hashtable] $Environment = @{},
        [int] $TimeoutSec = 120,
        # Makes the module importable by name, as an installed module is.
        [switch] $ModuleOnPath
    )
    $pwsh = Get-PwshCommandLine
    $start = [Diagnostics.ProcessStartInfo]::new($pwsh.FileName)
    foreach ($a in $pwsh.Prefix) { $start.ArgumentList.Add($a) }
    foreach ($a in @('-NoProfile', '-NonInteractive')) { $start.ArgumentList.Add($a) }
    if ($PSCmdlet.ParameterSetName -eq 'File') {
        $start.ArgumentList.Add('-File'); $start.ArgumentList.Add($File)
        foreach ($a in $ArgumentList) { $start.ArgumentList.Add($a) }
    }
    else {
        $start.ArgumentList.Add('-Command'); $start.ArgumentList.Add($Command)
    }
    $start.WorkingDirectory = $WorkingDirectory
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    # A plain terminal-less run: no colour codes in what the test reads.
    $start.Environment['NO_COLOR'] = '1'
    $start.Environment['TERM'] = 'dumb'
    if ($ModuleOnPath) {
        $modules = [IO.Path]::Combine($script:RepoRoot, 'out')
        $start.Environment['PSModulePath'] = $modules + [IO.Path]::PathSeparator + $start.Environment['PSModulePath']
    }
    foreach ($name in $Environment.Keys) {
        if ($null -eq $Environment[$name]) { $null = $start.Environment.Remove($name) } else { $start.Environment[$name] = [string]$Environment[$name] }
    }
    $process = [Diagnostics.Process]::Start($start)
    try {
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $timedOut = -not $process.WaitForExit($TimeoutSec * 1000)
        if ($timedOut) { $process.Kill($true); $process.WaitForExit() }
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            StdOut   = $stdout.GetAwaiter().GetResult()
            StdErr   = $stderr.GetAwaiter().GetResult()
            TimedOut = $timedOut
        }
    }
    finally { $process.Dispose() }
}

<#
.SYNOPSIS
    Starts the Saleschat emulator (tests/Saleschat.Emulator) as a child process on 127.0.0.1 and waits for its
    address line. Returns BaseUri, ControlUri, CaPath (the server's CA, PEM), CaCertificate, ApiKey, OrgId and
    the process; pass it to Stop-TestEmulator in AfterAll.
#>
function Start-TestEmulator {
    param(
        [ValidateSet('TlsAlert', 'CloseAfterHandshake', 'Http403')] [string] $Refusal,
        [string] $ApiKey = $script:TestApiKey,
        [string[]] $OrgId = @($script:TestOrgId),
        [string[]] $Upload = @(),
        [int] $TimeoutSec = 60
    )
    $dll = [IO.Path]::Combine($script:RepoRoot, 'tests', 'Saleschat.Emulator', 'bin', $script:Configuration, 'net10.0', 'Saleschat.Emulator.dll')
    if (-not [IO.File]::Exists($dll)) { throw "The emulator is not built ($dll): run ./build.ps1 -Task Build first." }
    $caPath = [IO.Path]::Combine([IO.Path]::GetTempPath(), "saleschat-emulator-ca-$([guid]::NewGuid().ToString('n')).pem")
    $start = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($dll, '--api-key', $ApiKey, '--ca-out', $caPath)) { $start.ArgumentList.Add($a) }
    foreach ($o in $OrgId) { $start.ArgumentList.Add('--org'); $start.ArgumentList.Add($o) }
    foreach ($u in $Upload) { $start.ArgumentList.Add('--upload'); $start.ArgumentList.Add($u) }
    if ($Refusal) { $start.ArgumentList.Add('--refusal'); $start.ArgumentList.Add($Refusal) }
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true   # closing it stops the emulator
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    $errors = $process.StandardError.ReadToEndAsync()
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait($TimeoutSec * 1000) -or -not $line.Result) {
        if (-not $process.HasExited) { $process.Kill($true) }
        $process.WaitForExit()
        throw "The emulator did not start within $TimeoutSec s: $($errors.GetAwaiter().GetResult())"
    }
    $addresses = $line.Result | ConvertFrom-Json
    [pscustomobject]@{
        PSTypeName    = 'SaleschatTest.Emulator'
        BaseUri       = [uri]$addresses.baseUri
        ControlUri    = [uri]$addresses.controlUri
        CaPath        = $addresses.caPem
        CaCertificate = [Security.Cryptography.X509Certificates.X509Certificate2]::new($addresses.caPem)
        ApiKey        = $ApiKey
        OrgId         = $OrgId[0]
        Process       = $process
        StdErr        = $errors
    }
}

function Stop-TestEmulator {
    param([Parameter(ValueFromPipeline)] $Emulator)
    process {
        if (-not $Emulator) { return }
        $p = $Emulator.Process
        try { $p.StandardInput.Close() } catch { }
        if (-not $p.WaitForExit(10000)) { $p.Kill($true); $p.WaitForExit() }
        $p.Dispose()
        if ($Emulator.CaPath -and [IO.File]::Exists($Emulator.CaPath)) { [IO.File]::Delete($Emulator.CaPath) }
    }
}

# "Settings > mTLS > Upload Certificate" on the emulator: registers a public certificate (an object or a PEM file).
function Add-EmulatorCertificate {
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory, ValueFromPipeline)] $Certificate
    )
    process {
        $pem = if ($Certificate -is [Security.Cryptography.X509Certificates.X509Certificate2]) {
            "-----BEGIN CERTIFICATE-----`n" + [Convert]::ToBase64String($Certificate.RawData, 'InsertLineBreaks') + "`n-----END CERTIFICATE-----`n"
        }
        else { [IO.File]::ReadAllText((Resolve-Path -LiteralPath $Certificate).ProviderPath) }
        $null = Invoke-RestMethod -Method Post -Uri ([uri]::new($Emulator.ControlUri, 'certificates')) -Body $pem -ContentType 'application/x-pem-file'
    }
}

function Clear-EmulatorCertificates {
    param([Parameter(Mandatory)] $Emulator)
    $null = Invoke-RestMethod -Method Delete -Uri ([uri]::new($Emulator.ControlUri, 'certificates'))
}

function Get-EmulatorStats {
    param([Parameter(Mandatory)] $Emulator)
    Invoke-RestMethod -Uri ([uri]::new($Emulator.ControlUri, 'stats'))
}

<#
.SYNOPSIS
    Makes a key and a certificate with the module's own cmdlets in Folder (client.key, client.crt), uploads it
    to the emulator unless -NoUpload, and returns the certificate with KeyPath and CertificatePath noted on it.
#>
function New-TestClientPair {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        $Emulator,
        [string] $Name = 'client',
        [int] $ValidityDays = 365,
        [switch] $NoUpload
    )
    $null = [IO.Directory]::CreateDirectory($Folder)
    $key = [IO.Path]::Combine($Folder, "$Name.key")
    $crt = [IO.Path]::Combine($Folder, "$Name.crt")
    $cert = New-SaleschatClientKey -Path $key -Force | New-SaleschatClientCertificate -Organization Acme -ValidityDays $ValidityDays -Path $crt -Force
    if ($Emulator -and -not $NoUpload) { Add-EmulatorCertificate -Emulator $Emulator -Certificate $cert }
    [pscustomobject]@{ Certificate = $cert; KeyPath = $key; CertificatePath = $crt }
}

# A session to the emulator (the module's default session from then on); extra parameters pass through.
function New-TestSession {
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] $Pair,
        [hashtable] $Extra = @{}
    )
    $parameters = @{
        BaseUri                    = $Emulator.BaseUri
        OrgId                      = $Emulator.OrgId
        ApiKey                     = Get-TestApiKey $Emulator.ApiKey
        CertificatePath            = $Pair.CertificatePath
        KeyPath                    = $Pair.KeyPath
        ServerCertificateAuthority = $Emulator.CaCertificate
        RetryIntervalSec           = 0
    }
    foreach ($k in $Extra.Keys) { $parameters[$k] = $Extra[$k] }
    New-SaleschatSession @parameters
}

$script:CaptureServerType = $null

<#
.SYNOPSIS
    A TCP listener on 127.0.0.1 that records every connection and the first bytes sent on it, and answers a
    plain HTTP 200. Proves whether anything (a request, a TLS ClientHello, an Authorization header) left the
    process for a host it must never reach. Dispose() stops it.
#>
function Start-CaptureServer {
    if (-not $script:CaptureServerType) {
        $script:CaptureServerType = Add-Type -PassThru -TypeDefinition @'
using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

public sealed class SaleschatCaptureServer : IDisposable
{
    private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
    public ConcurrentQueue<string> Received { get; } = new ConcurrentQueue<string>();
    public int Connections;
    public int Port { get { return ((IPEndPoint)_listener.LocalEndpoint).Port; } }

    public SaleschatCaptureServer() { _listener.Start(); Task.Run(AcceptLoop); }

    private async Task AcceptLoop()
    {
        while (true)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(); } catch { return; }
            System.Threading.Interlocked.Increment(ref Connections);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var buffer = new byte[16384];
                    var read = stream.ReadAsync(buffer, 0, buffer.Length);
                    if (await Task.WhenAny(read, Task.Delay(3000)) == read && read.Result > 0)
                    {
                        Received.Enqueue(Encoding.Latin1.GetString(buffer, 0, read.Result));
                        var answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, world!");
                        try { await stream.WriteAsync(answer, 0, answer.Length); } catch { }
                    }
                }
            });
        }
    }

    public string AllText() { return string.Join("\n", Received.ToArray()); }
    public void Dispose() { _listener.Stop(); }
}
'@ | Where-Object Name -eq 'SaleschatCaptureServer'
    }
    [SaleschatCaptureServer]::new()
}

# Waits for a condition with a deadline instead of guessing with Start-Sleep.
function Wait-Until {
    param([Parameter(Mandatory)] [scriptblock] $Condition, [int] $TimeoutSec = 10, [string] $Because = 'the condition')
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSec s waiting for $Because." }
        Start-Sleep -Milliseconds 50
    }
}

Export-ModuleMember -Function *

# ---- Hardening: network and memory (issue 9) ----

<#
.SYNOPSIS
    Starts `pwsh -NoProfile -NonInteractive -File <File>` without waiting, under `sh -c 'umask <Umask>; exec ...'`
    when -Umask is given, so a test can watch it, kill it (kill -9 mid-download) or read its exit. Returns the
    process; the caller stops it in a finally/AfterAll (Stop-TestProcess).
#>
function Start-TestPwshProcess {
    param(
        [Parameter(Mandatory)] [string] $File,
        [string] $Umask,
        [hashtable] $Environment = @{}
    )
    $pwsh = Get-PwshCommandLine
    $command = @($pwsh.FileName) + $pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-File', $File)
    if ($Umask) {
        $quoted = ($command | ForEach-Object { "'" + $_.Replace("'", "'\''") + "'" }) -join ' '
        $start = [Diagnostics.ProcessStartInfo]::new('sh')
        $start.ArgumentList.Add('-c'); $start.ArgumentList.Add("umask $Umask; exec $quoted")
    }
    else {
        $start = [Diagnostics.ProcessStartInfo]::new($command[0])
        foreach ($a in $command[1..($command.Count - 1)]) { $start.ArgumentList.Add($a) }
    }
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.Environment['NO_COLOR'] = '1'
    foreach ($name in $Environment.Keys) { $start.Environment[$name] = [string]$Environment[$name] }
    $process = [Diagnostics.Process]::Start($start)
    $process.StandardInput.Close()
    # Read both streams as they come, so a chatty child never blocks on a full pipe.
    $null = $process.StandardOutput.ReadToEndAsync()
    $null = $process.StandardError.ReadToEndAsync()
    $process
}

function Stop-TestProcess {
    param([Parameter(ValueFromPipeline)] [Diagnostics.Process] $Process)
    process {
        if (-not $Process) { return }
        try { if (-not $Process.HasExited) { $Process.Kill($true) } ; $null = $Process.WaitForExit(10000) } catch { }
        $Process.Dispose()
    }
}

<#
.SYNOPSIS
    Makes a CA and a server certificate for 127.0.0.1 signed by it, with the given extended key usage
    ('serverAuth', 'clientAuth', or 'none' for no EKU extension), in Folder. Returns CaPath, CertPath, KeyPath.
#>
function New-TestServerCertificate {
    param([Parameter(Mandatory)] [string] $Folder, [ValidateSet('serverAuth', 'clientAuth', 'none')] [string] $Usage = 'serverAuth')
    $null = [IO.Directory]::CreateDirectory($Folder)
    $ca = Join-Path $Folder 'ca'
    $srv = Join-Path $Folder "server-$Usage"
    $ext = Join-Path $Folder "server-$Usage.ext"
    $lines = @('basicConstraints=CA:FALSE', 'subjectAltName=IP:127.0.0.1,DNS:localhost', 'keyUsage=digitalSignature,keyEncipherment')
    if ($Usage -ne 'none') { $lines += "extendedKeyUsage=$Usage" }
    [IO.File]::WriteAllLines($ext, [string[]]$lines)
    if (-not [IO.File]::Exists("$ca.crt")) {
        $null = & openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ca.key" -out "$ca.crt" -days 2 -subj '/CN=Saleschat Test CA' -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>&1
    }
    $null = & openssl req -newkey rsa:2048 -nodes -keyout "$srv.key" -out "$srv.csr" -subj '/CN=127.0.0.1' 2>&1
    $null = & openssl x509 -req -in "$srv.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial -out "$srv.crt" -days 2 -sha256 -extfile $ext 2>&1
    if (-not [IO.File]::Exists("$srv.crt")) { throw "openssl could not make the $Usage server certificate in $Folder." }
    [pscustomobject]@{ CaPath = "$ca.crt"; CertPath = "$srv.crt"; KeyPath = "$srv.key" }
}

<#
.SYNOPSIS
    `openssl s_server -www` on 127.0.0.1 with the given certificate: a TLS server that answers any GET with a
    status page. Returns Process and Port once it accepts connections; stop it with Stop-TestProcess.
#>
function Start-TestTlsServer {
    param([Parameter(Mandatory)] [string] $CertPath, [Parameter(Mandatory)] [string] $KeyPath, [int] $TimeoutSec = 20)
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $start = [Diagnostics.ProcessStartInfo]::new('openssl')
    foreach ($a in @('s_server', '-accept', "127.0.0.1:$port", '-cert', $CertPath, '-key', $KeyPath, '-www', '-quiet')) { $start.ArgumentList.Add($a) }
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    $null = $process.StandardOutput.ReadToEndAsync()
    $null = $process.StandardError.ReadToEndAsync()
    Wait-Until -TimeoutSec $TimeoutSec -Because "openssl s_server on port $port" -Condition {
        $client = [Net.Sockets.TcpClient]::new()
        try { $client.Connect([Net.IPAddress]::Loopback, $port); $true } catch { $false } finally { $client.Dispose() }
    }
    [pscustomobject]@{ Process = $process; Port = $port }
}
Export-ModuleMember -Function *
