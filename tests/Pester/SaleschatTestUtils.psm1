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

# ---- Child processes: every child a test starts (pwsh or any program) gets its ProcessStartInfo here ----

<#
.SYNOPSIS
    The ProcessStartInfo of a child program as a scheduler or a CI step starts it: all three streams redirected
    (stdin to close, so nothing can prompt), no colour codes (NO_COLOR, TERM=dumb), a chosen working directory,
    -Environment entries set ($null removes one), and optionally a umask, through `sh -c 'umask …; exec "$@"'`
    (.NET cannot set a child's umask; exec keeps the process the program itself, so Kill() reaches it).
#>
function New-TestProcessStartInfo {
    param(
        [Parameter(Mandatory)] [string] $FileName,
        [string[]] $ArgumentList = @(),
        [string] $WorkingDirectory = $PWD.ProviderPath,
        [hashtable] $Environment = @{},
        [string] $Umask
    )
    if ($Umask) {
        $start = [Diagnostics.ProcessStartInfo]::new('sh')
        $arguments = @('-c', "umask $Umask; exec `"`$@`"", 'sh', $FileName) + $ArgumentList
    }
    else {
        $start = [Diagnostics.ProcessStartInfo]::new($FileName)
        $arguments = $ArgumentList
    }
    foreach ($a in $arguments) { $start.ArgumentList.Add($a) }
    $start.WorkingDirectory = $WorkingDirectory
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    # A plain terminal-less run: no colour codes in what the test reads.
    $start.Environment['NO_COLOR'] = '1'
    $start.Environment['TERM'] = 'dumb'
    foreach ($name in $Environment.Keys) {
        if ($null -eq $Environment[$name]) { $null = $start.Environment.Remove($name) } else { $start.Environment[$name] = [string]$Environment[$name] }
    }
    $start
}

<#
.SYNOPSIS
    The ProcessStartInfo of a child `pwsh -NoProfile -NonInteractive` running -File (with -ArgumentList) or
    -Command: the real pwsh (Get-PwshCommandLine), built by New-TestProcessStartInfo. -ModuleOnPath makes the
    module importable by name, as an installed module is.
#>
function New-TestPwshStartInfo {
    [CmdletBinding(DefaultParameterSetName = 'Command')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'File')] [string] $File,
        [Parameter(ParameterSetName = 'File')] [string[]] $ArgumentList = @(),
        [Parameter(Mandatory, ParameterSetName = 'Command')] [string] $Command,
        [string] $WorkingDirectory = $PWD.ProviderPath,
        [hashtable] $Environment = @{},
        [string] $Umask,
        [switch] $ModuleOnPath
    )
    $pwsh = Get-PwshCommandLine
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive')
    if ($PSCmdlet.ParameterSetName -eq 'File') { $arguments += @('-File', $File) + $ArgumentList }
    else { $arguments += @('-Command', $Command) }
    $childEnvironment = @{} + $Environment
    if ($ModuleOnPath -and -not $Environment.ContainsKey('PSModulePath')) {
        $modules = [IO.Path]::Combine($script:RepoRoot, 'out')
        $childEnvironment['PSModulePath'] = $modules + [IO.Path]::PathSeparator + [Environment]::GetEnvironmentVariable('PSModulePath')
    }
    New-TestProcessStartInfo -FileName $pwsh.FileName -ArgumentList $arguments -WorkingDirectory $WorkingDirectory -Environment $childEnvironment -Umask $Umask
}

<#
.SYNOPSIS
    Starts a child from a ProcessStartInfo (New-TestProcessStartInfo, New-TestPwshStartInfo), closes its stdin and
    reads both streams as they come, so a chatty child never blocks on a full pipe. Returns Process, StdOut and
    StdErr (tasks); pass the result to Stop-TestPwsh, which waits with a deadline.
#>
function Start-TestChildProcess {
    param([Parameter(Mandatory)] [Diagnostics.ProcessStartInfo] $StartInfo)
    $process = [Diagnostics.Process]::Start($StartInfo)
    $process.StandardInput.Close()
    [pscustomobject]@{
        Process = $process
        StdOut  = $process.StandardOutput.ReadToEndAsync()
        StdErr  = $process.StandardError.ReadToEndAsync()
    }
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
        [switch] $ModuleOnPath,
        [string] $Umask
    )
    $startParameters = [hashtable]::new($PSBoundParameters)
    $null = $startParameters.Remove('TimeoutSec')
    Stop-TestPwsh -Child (Start-TestChildProcess -StartInfo (New-TestPwshStartInfo @startParameters)) -TimeoutSec $TimeoutSec
}

<#
.SYNOPSIS
    Starts the Saleschat emulator (tests/Saleschat.Emulator) as a child process on 127.0.0.1 and waits for its
    address line. Returns BaseUri, ControlUri, CaPath (the server's CA, PEM), CaCertificate, ApiKey, OrgId and
    the process; pass it to Stop-TestEmulator in AfterAll. -ArgumentList passes further emulator options (see its
    --help, e.g. '--protocols', 'Http1'). Works in Windows PowerShell 5.1 too: .NET Framework's ProcessStartInfo has
    no ArgumentList, so the arguments go as one quoted string.
#>
function Start-TestEmulator {
    param(
        [ValidateSet('TlsAlert', 'CloseAfterHandshake', 'Http403', 'NginxPage')] [string] $Refusal,
        [string] $ApiKey = $script:TestApiKey,
        [string[]] $OrgId = @($script:TestOrgId),
        [string[]] $Upload = @(),
        [string[]] $ArgumentList = @(),
        [int] $TimeoutSec = 60
    )
    $dll = [IO.Path]::Combine($script:RepoRoot, 'tests', 'Saleschat.Emulator', 'bin', $script:Configuration, 'net10.0', 'Saleschat.Emulator.dll')
    if (-not [IO.File]::Exists($dll)) { throw "The emulator is not built ($dll): run ./build.ps1 -Task Build first." }
    $caPath = [IO.Path]::Combine([IO.Path]::GetTempPath(), "saleschat-emulator-ca-$([guid]::NewGuid().ToString('n')).pem")
    $arguments = @($dll, '--api-key', $ApiKey, '--ca-out', $caPath)
    foreach ($o in $OrgId) { $arguments += @('--org', $o) }
    foreach ($u in $Upload) { $arguments += @('--upload', $u) }
    if ($Refusal) { $arguments += @('--refusal', $Refusal) }
    $arguments += $ArgumentList
    $start = New-Object Diagnostics.ProcessStartInfo 'dotnet'
    $start.Arguments = (@($arguments | ForEach-Object { '"' + $_ + '"' })) -join ' '
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true   # closing it stops the emulator
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    $errors = $process.StandardError.ReadToEndAsync()
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait($TimeoutSec * 1000) -or -not $line.Result) {
        if (-not $process.HasExited) { $process.Kill() }
        $process.WaitForExit()
        throw "The emulator ($($arguments[1..($arguments.Count - 1)] -join ' ')) did not start within $TimeoutSec s: $($errors.GetAwaiter().GetResult())"
    }
    $addresses = $line.Result | ConvertFrom-Json
    [pscustomobject]@{
        PSTypeName    = 'SaleschatTest.Emulator'
        BaseUri       = [uri]$addresses.baseUri
        ControlUri    = [uri]$addresses.controlUri
        CaPath        = $addresses.caPem
        CaCertificate = New-Object Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $addresses.caPem
        ApiKey        = $ApiKey
        OrgId         = $OrgId[0]
        Process       = $process
        StdErr        = $errors
    }
}

# The emulator is started directly (not through a launcher), so stopping it stops everything it started.
function Stop-TestEmulator {
    param([Parameter(ValueFromPipeline)] $Emulator)
    process {
        if (-not $Emulator) { return }
        $p = $Emulator.Process
        try { $p.StandardInput.Close() } catch { }
        if (-not $p.WaitForExit(10000)) { $p.Kill(); $p.WaitForExit() }
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

# --- sessions and emulator (migrate-sessions) ---
# An emulator with options the default one lacks (another HTTP version offer, another refusal), request keys and
# read-outs of the emulator's counters, and foreign peers (curl, openssl s_server, a server that drops every
# connection) for the session, retry, interop and diagnosis tests.

# A key for the emulator's fault routes: every request carrying it is counted under it (/attempts/{key}).
function New-TestRequestKey { [guid]::NewGuid().ToString('n') }

# How many requests with this key reached the emulator (retries included).
function Get-EmulatorAttempts {
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $Key)
    (Invoke-RestMethod -Uri ([uri]::new($Emulator.ControlUri, "attempts/$Key"))).attempts
}

# A phone number no other test used, for contacts (the emulator refuses a second contact with the same phone).
function New-TestPhone { '+91' + [Random]::Shared.NextInt64(1000000000, 9999999999) }

# A port that was free a moment ago, on 127.0.0.1.
function Get-FreeTcpPort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

# True when text shows a private key: a PEM header, or any base64 line (32+ chars) of the key file.
function Test-ContainsKeyMaterial {
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Text, [Parameter(Mandatory)] [string] $KeyPem)
    if ($Text.Contains('PRIVATE KEY-----')) { return $true }
    foreach ($line in $KeyPem -split "`n") {
        $line = $line.Trim()
        if ($line.Length -ge 32 -and -not $line.StartsWith('-----') -and $Text.Contains($line)) { return $true }
    }
    $false
}

<#
.SYNOPSIS
    A TCP listener on 127.0.0.1 that accepts each connection and closes it at once, like an mTLS edge dropping an
    unknown client certificate. Accepted counts connections (counted before the close, so a client that saw the
    close is counted). Dispose() stops it. Runs in a thread job: no C# to compile.
#>
function Start-ClosingServer {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $accepted = [Collections.Concurrent.ConcurrentQueue[int]]::new()
    $job = Start-ThreadJob -ScriptBlock {
        $l = $using:listener
        $q = $using:accepted
        while ($true) {
            try { $client = $l.AcceptTcpClient() } catch { break }   # Stop() ends the loop
            $q.Enqueue(1)
            $client.Close()
        }
    }
    $server = [pscustomobject]@{ Port = $listener.LocalEndpoint.Port; Listener = $listener; Queue = $accepted; Job = $job }
    $server | Add-Member -MemberType ScriptProperty -Name Accepted -Value { $this.Queue.Count }
    $server | Add-Member -MemberType ScriptMethod -Name Dispose -Value {
        $this.Listener.Stop()
        $null = $this.Job | Wait-Job -Timeout 10
        Remove-Job $this.Job -Force
    }
    $server
}

<#
.SYNOPSIS
    curl, run the way Saleschat's documentation runs it: quiet (errors still shown), failing on HTTP errors, bounded
    in time, never through a proxy. Returns ExitCode and Output (stdout and stderr).
#>
function Invoke-TestCurl {
    param([Parameter(Mandatory)] [string[]] $ArgumentList, [string] $WorkingDirectory = $PWD.ProviderPath)
    $start = [Diagnostics.ProcessStartInfo]::new('curl')
    foreach ($a in @('--silent', '--show-error', '--fail', '--max-time', '20', '--noproxy', '*') + $ArgumentList) { $start.ArgumentList.Add($a) }
    $start.WorkingDirectory = $WorkingDirectory
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(30000)) { $process.Kill($true); $process.WaitForExit(); throw "curl did not finish within 30 s." }
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.GetAwaiter().GetResult() + $stderr.GetAwaiter().GetResult() }
    }
    finally { $process.Dispose() }
}

<#
.SYNOPSIS
    `openssl s_server -HTTP` on 127.0.0.1 as a foreign mTLS host: a self-signed server certificate (SAN IP:127.0.0.1)
    made once in Folder, client certificates required (-Verify 1) and checked against ClientCaFile, and the hello
    route served from a file holding a whole HTTP/1.0 response. It speaks HTTP/1.x only. Stop-OpenSslServer stops it
    and returns what it printed (verify results, alerts, served files).
#>
function Start-OpenSslServer {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [Parameter(Mandatory)] [string] $ClientCaFile,
        # -verify_return_error: refuse an unverifiable client with a TLS alert (without it s_server only logs it).
        [switch] $ReturnVerifyError,
        [string[]] $ExtraArgument = @()
    )
    $key = Join-Path $Folder 'srv.key'
    $crt = Join-Path $Folder 'srv.crt'
    if (-not (Test-Path -LiteralPath $crt)) {
        $made = & openssl req -x509 -newkey rsa:2048 -nodes -keyout $key -out $crt -days 2 -subj '/CN=localhost' -addext 'subjectAltName=IP:127.0.0.1,DNS:localhost' 2>&1
        if ($LASTEXITCODE -ne 0) { throw "openssl req failed: $made" }
    }
    $root = Join-Path $Folder 'www'
    $hello = [IO.Path]::Combine($root, 'v4', 'orgs', 'org-1', 'mtls', 'hello')
    $null = [IO.Directory]::CreateDirectory([IO.Path]::GetDirectoryName($hello))
    [IO.File]::WriteAllText($hello, "HTTP/1.0 200 ok`r`nContent-Type: text/plain`r`n`r`nHello, world!")

    # The port is free when chosen; another process may take it first, so try a few.
    foreach ($attempt in 1..3) {
        $port = Get-FreeTcpPort
        $start = [Diagnostics.ProcessStartInfo]::new('openssl')
        $arguments = @('s_server', '-accept', "127.0.0.1:$port", '-cert', $crt, '-key', $key, '-Verify', '1', '-CAfile', $ClientCaFile, '-HTTP')
        if ($ReturnVerifyError) { $arguments += '-verify_return_error' }
        foreach ($a in $arguments + $ExtraArgument) { $start.ArgumentList.Add($a) }
        $start.WorkingDirectory = $root
        $start.UseShellExecute = $false
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $process = [Diagnostics.Process]::Start($start)
        $server = [pscustomobject]@{
            Port            = $port
            BaseUri         = [uri]"https://127.0.0.1:$port/"
            CertificatePath = $crt
            Process         = $process
            StdOut          = $process.StandardOutput.ReadToEndAsync()
            StdErr          = $process.StandardError.ReadToEndAsync()
        }
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not $process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            $probe = [Net.Sockets.TcpClient]::new()
            try { $probe.Connect([Net.IPAddress]::Loopback, $port); return $server } catch { Start-Sleep -Milliseconds 50 } finally { $probe.Dispose() }
        }
        $output = Stop-OpenSslServer $server
        if ($attempt -eq 3) { throw "openssl s_server did not listen on 127.0.0.1:${port}: $output" }
    }
}

function Stop-OpenSslServer {
    param([Parameter(Mandatory)] $Server)
    $p = $Server.Process
    if (-not $p.HasExited) { $p.Kill($true) }
    $p.WaitForExit()
    $text = $Server.StdOut.GetAwaiter().GetResult() + $Server.StdErr.GetAwaiter().GetResult()
    $p.Dispose()
    $text
}

Export-ModuleMember -Function *

# --- certificates and keys (migrate-cmdlets) ---
# Keys and certificates made by the real openssl (a third-party peer, exactly as Saleschat's documentation tells
# people to make them) or by .NET where openssl 3.0 cannot (a certificate issued in the past or the future);
# the OS store for one test; scans for secrets in what a user can see.

$script:DocumentedSubject = '/C=IN/ST=Maharashtra/L=Mumbai/O=Acme/OU=Technology/CN=Acme-saleschat-mtls'

function Get-TestDocumentedSubject { $script:DocumentedSubject }

# A SecureString as a user types it into Read-Host -AsSecureString.
function New-TestSecret {
    [OutputType([securestring])]
    param([Parameter(Mandatory)] [string] $Text)
    ConvertTo-SecureString -String $Text -AsPlainText -Force
}

<#
.SYNOPSIS
    Runs the real openssl with a deadline; returns ExitCode and Output (stdout + stderr). -Ok throws with the
    output when openssl fails, and returns the output text.
#>
function Invoke-OpenSsl {
    param(
        [Parameter(Mandatory, Position = 0)] [string[]] $ArgumentList,
        [string] $WorkingDirectory = $PWD.ProviderPath,
        [int] $TimeoutSec = 60,
        [switch] $Ok
    )
    $start = [Diagnostics.ProcessStartInfo]::new('openssl')
    foreach ($a in $ArgumentList) { $start.ArgumentList.Add($a) }
    $start.WorkingDirectory = $WorkingDirectory
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    try {
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            $process.Kill($true); $process.WaitForExit()
            throw "openssl $($ArgumentList -join ' ') did not finish within $TimeoutSec s."
        }
        $result = [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.GetAwaiter().GetResult() + $stderr.GetAwaiter().GetResult() }
    }
    finally { $process.Dispose() }
    if (-not $Ok) { return $result }
    if ($result.ExitCode -ne 0) { throw "openssl $($ArgumentList -join ' ') failed ($($result.ExitCode)):`n$($result.Output)" }
    $result.Output
}

# `openssl genrsa [extra] -out <Folder>/<Name> <Bits>` (OpenSSL 3 writes PKCS#8), then chmod 600. Returns the path.
function New-OpenSslKey {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [string] $Name = 'client.key',
        [int] $Bits = 2048,
        [string[]] $Extra = @()
    )
    $path = [IO.Path]::Combine($Folder, $Name)
    $null = Invoke-OpenSsl -Ok -WorkingDirectory $Folder (@('genrsa') + $Extra + @('-out', $path, [string]$Bits))
    if (-not $IsWindows) { [IO.File]::SetUnixFileMode($path, [IO.UnixFileMode]'UserRead, UserWrite') }
    $path
}

# The documented `openssl req -x509 -new -key … -days 365 -sha256 -subj …`. Returns the path.
function New-OpenSslCertificate {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [Parameter(Mandatory)] [string] $KeyPath,
        [string] $Name = 'client.crt',
        [string] $Digest = '-sha256',
        [string] $PassIn,
        [string] $Subject = $script:DocumentedSubject,
        [string[]] $Extra = @()
    )
    $path = [IO.Path]::Combine($Folder, $Name)
    $arguments = @('req', '-x509', '-new', '-key', $KeyPath, '-out', $path, '-days', '365', $Digest, '-subj', $Subject) + $Extra
    if ($PassIn) { $arguments += @('-passin', "pass:$PassIn") }
    $null = Invoke-OpenSsl -Ok -WorkingDirectory $Folder $arguments
    $path
}

# A key (-Bits, openssl) and its documented certificate; returns Key, Cert and the certificate's Thumbprint.
function New-OpenSslPair {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [string] $Name = 'client',
        [string[]] $KeyExtra = @(),
        [string] $PassIn
    )
    $null = [IO.Directory]::CreateDirectory($Folder)
    $key = New-OpenSslKey -Folder $Folder -Name "$Name.key" -Extra $KeyExtra
    $cert = New-OpenSslCertificate -Folder $Folder -KeyPath $key -Name "$Name.crt" -PassIn $PassIn
    [pscustomobject]@{ Key = $key; Cert = $cert; Thumbprint = [Security.Cryptography.X509Certificates.X509Certificate2]::new($cert).Thumbprint }
}

<#
.SYNOPSIS
    A key file (PKCS#8, mode 0600) and a 365-day certificate with the module's profile (O=Acme, OU=Technology,
    CN=Acme-saleschat-mtls, CA:FALSE, digitalSignature+keyEncipherment, clientAuth, SHA-256) issued at IssuedUtc,
    made with .NET because the cmdlets (and openssl 3.0's req) cannot date a certificate in the past or future.
#>
function New-TestCertificateIssuedAt {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [Parameter(Mandatory)] [datetime] $IssuedUtc,
        [string] $Name = 'old'
    )
    $null = [IO.Directory]::CreateDirectory($Folder)
    $x509 = 'System.Security.Cryptography.X509Certificates'
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    try {
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new(
            'CN=Acme-saleschat-mtls, OU=Technology, O=Acme', $rsa,
            [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CertificateExtensions.Add((New-Object "$x509.X509BasicConstraintsExtension" $false, $false, 0, $true))
        $request.CertificateExtensions.Add((New-Object "$x509.X509KeyUsageExtension" ([Security.Cryptography.X509Certificates.X509KeyUsageFlags]'DigitalSignature, KeyEncipherment'), $true))
        $usages = [Security.Cryptography.OidCollection]::new()
        $null = $usages.Add([Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.2'))
        $request.CertificateExtensions.Add((New-Object "$x509.X509EnhancedKeyUsageExtension" $usages, $false))
        $request.CertificateExtensions.Add((New-Object "$x509.X509SubjectKeyIdentifierExtension" $request.PublicKey, $false))
        $notBefore = [DateTimeOffset]::new([datetime]::SpecifyKind($IssuedUtc, 'Utc'))
        $certificate = $request.CreateSelfSigned($notBefore, $notBefore.AddDays(365))
        $keyPath = [IO.Path]::Combine($Folder, "$Name.key")
        $certPath = [IO.Path]::Combine($Folder, "$Name.crt")
        [IO.File]::WriteAllText($keyPath, $rsa.ExportPkcs8PrivateKeyPem() + "`n", [Text.Encoding]::ASCII)
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($keyPath, [IO.UnixFileMode]'UserRead, UserWrite') }
        [IO.File]::WriteAllText($certPath, $certificate.ExportCertificatePem() + "`n", [Text.Encoding]::ASCII)
        [pscustomobject]@{ Key = $keyPath; Cert = $certPath; Thumbprint = $certificate.Thumbprint }
        $certificate.Dispose()
    }
    finally { $rsa.Dispose() }
}

# Puts a certificate in CurrentUser\My (on Linux .NET keeps that store under ~/.dotnet); undo with Remove-TestStoreCertificate.
function Add-TestStoreCertificate {
    param([Parameter(Mandatory)] [Security.Cryptography.X509Certificates.X509Certificate2] $Certificate)
    $store = [Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
    try { $store.Open('ReadWrite'); $store.Add($Certificate) } finally { $store.Dispose() }
}

function Remove-TestStoreCertificate {
    param([Parameter(Mandatory)] [Security.Cryptography.X509Certificates.X509Certificate2] $Certificate)
    $store = [Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
    try { $store.Open('ReadWrite'); $store.Remove($Certificate) } finally { $store.Dispose() }
}

# How many certificates with this thumbprint CurrentUser\My holds (0 proves a test cleaned up).
function Get-TestStoreCount {
    param([Parameter(Mandatory)] [string] $Thumbprint)
    $store = [Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
    try {
        $store.Open('ReadOnly')
        $store.Certificates.Find('FindByThumbprint', $Thumbprint, $false).Count
    }
    finally { $store.Dispose() }
}

<#
.SYNOPSIS
    Whether a private key leaked into text: any PEM private-key armour, or any base64 line (32+ characters) of
    the key's PEM body.
#>
function Test-KeyMaterialVisible {
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Text, [Parameter(Mandatory)] [string] $KeyPem)
    if ($Text.Contains('PRIVATE KEY-----')) { return $true }
    foreach ($line in $KeyPem.Split("`n")) {
        $line = $line.Trim()
        if ($line.Length -ge 32 -and -not $line.StartsWith('-----') -and $Text.Contains($line)) { return $true }
    }
    $false
}

# The names and SHA-256 of every file in a folder, to prove that a failed call changed nothing and left nothing.
function Get-FolderSnapshot {
    param([Parameter(Mandatory)] [string] $Folder)
    @(Get-ChildItem -LiteralPath $Folder -File -Force | Sort-Object Name | ForEach-Object {
        '{0} {1}' -f $_.Name, (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash
    })
}

# A fresh, empty folder under Parent (usually $TestDrive), so each It sees only its own files.
function New-TestFolder {
    param([Parameter(Mandatory)] [string] $Parent)
    $path = [IO.Path]::Combine($Parent, [guid]::NewGuid().ToString('n').Substring(0, 12))
    [IO.Directory]::CreateDirectory($path).FullName
}

<#
.SYNOPSIS
    Runs a script block the way a runbook line runs, and sorts everything it wrote: Output, Errors (non-terminating
    ones and the terminating one, if any), Warnings and Verbose. A test can then assert "exactly one error and no
    output" whichever way the cmdlet reported it.
#>
function Invoke-TestCommand {
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    $all = @()
    $thrown = @()
    try { $all = @(& $ScriptBlock *>&1) }
    catch { $thrown = @($_) }
    $isStream = { $_ -is [Management.Automation.ErrorRecord] -or $_ -is [Management.Automation.WarningRecord] -or
        $_ -is [Management.Automation.VerboseRecord] -or $_ -is [Management.Automation.DebugRecord] -or $_ -is [Management.Automation.InformationRecord] }
    $output = @($all | Where-Object { -not (& $isStream) })
    $errors = @($all | Where-Object { $_ -is [Management.Automation.ErrorRecord] }) + $thrown
    $warnings = @($all | Where-Object { $_ -is [Management.Automation.WarningRecord] } | ForEach-Object Message)
    $verbose = @($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
    [pscustomobject]@{ Output = $output; Errors = $errors; Warnings = $warnings; Verbose = $verbose }
}

Export-ModuleMember -Function *

# --- real edges (edges) ---
# Debian's nginx and haproxy as mTLS edges (issue 11), configured from the templates in tests/Edges/ the way
# Saleschat-like hosts run them: the allowed set is the uploaded client certificates as trust anchors. Each edge is
# one process tree on a free 127.0.0.1 port with its own temp prefix (config, pid, logs, server certificate), a
# server certificate from a throwaway openssl CA, and is stopped by its pid with Stop-TestEdge in AfterAll.

# An edge tool's path; a clear failure (never a skip) when it is missing: .ci/run installs them as root.
function Get-EdgeTool {
    param([Parameter(Mandatory)] [ValidateSet('nginx', 'haproxy', 'openssl', 'curl')] [string] $Name)
    $command = Get-Command $Name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($command) { return $command.Source }
    foreach ($dir in '/usr/sbin', '/usr/local/sbin', '/sbin') {
        $path = [IO.Path]::Combine($dir, $Name)
        if ([IO.File]::Exists($path)) { return $path }
    }
    throw "$Name is not installed, so the Edge tests cannot run: install it (apt-get install $Name; .ci/run does this when it runs as root)."
}

function Invoke-EdgeOpenSsl {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    $output = & (Get-EdgeTool openssl) @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "openssl $($Arguments[0]) failed ($LASTEXITCODE): $($output -join ' ')" }
}

# A throwaway CA for the edges' server certificates (the client's -ServerCertificateAuthority).
function New-TestEdgeAuthority {
    param([Parameter(Mandatory)] [string] $Folder)
    $null = [IO.Directory]::CreateDirectory($Folder)
    $crt = [IO.Path]::Combine($Folder, 'edge-ca.crt')
    $key = [IO.Path]::Combine($Folder, 'edge-ca.key')
    Invoke-EdgeOpenSsl @('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-keyout', $key, '-out', $crt,
        '-subj', '/CN=Saleschat edge test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
    [pscustomobject]@{
        CertificatePath = $crt
        KeyPath         = $key
        Certificate     = [Security.Cryptography.X509Certificates.X509Certificate2]::new($crt)
    }
}

# A server certificate issued by the authority; -SubjectAltName 'DNS:other.invalid' makes one for another name.
function New-TestEdgeServerCertificate {
    param(
        [Parameter(Mandatory)] $Authority,
        [Parameter(Mandatory)] [string] $Folder,
        [string] $SubjectAltName = 'IP:127.0.0.1'
    )
    $null = [IO.Directory]::CreateDirectory($Folder)
    $key = [IO.Path]::Combine($Folder, 'server.key')
    $csr = [IO.Path]::Combine($Folder, 'server.csr')
    $crt = [IO.Path]::Combine($Folder, 'server.crt')
    $ext = [IO.Path]::Combine($Folder, 'server.ext')
    [IO.File]::WriteAllText($ext, "subjectAltName=$SubjectAltName`nbasicConstraints=CA:FALSE`nkeyUsage=critical,digitalSignature,keyEncipherment`nextendedKeyUsage=serverAuth`n")
    $commonName = ($SubjectAltName -split ',')[0] -replace '^(IP|DNS):', ''
    Invoke-EdgeOpenSsl @('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', $key, '-out', $csr, '-subj', "/CN=$commonName")
    Invoke-EdgeOpenSsl @('x509', '-req', '-in', $csr, '-CA', $Authority.CertificatePath, '-CAkey', $Authority.KeyPath, '-set_serial', [string](Get-Random -Minimum 1000 -Maximum 2000000000),
        '-days', '2', '-sha256', '-extfile', $ext, '-out', $crt)
    # haproxy reads the certificate and its key from one file.
    [IO.File]::WriteAllText([IO.Path]::Combine($Folder, 'server.pem'), [IO.File]::ReadAllText($crt) + [IO.File]::ReadAllText($key))
    [pscustomobject]@{ CertificatePath = $crt; KeyPath = $key }
}

<#
.SYNOPSIS
    A client pair that expired 35 days ago (made with .NET, since openssl 3.0 cannot back-date), in the documented
    profile, key file mode 600. Returns Certificate, KeyPath and CertificatePath like New-TestClientPair.
#>
function New-TestExpiredClientPair {
    param([Parameter(Mandatory)] [string] $Folder, [string] $Name = 'expired')
    $null = [IO.Directory]::CreateDirectory($Folder)
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=Acme-saleschat-mtls, OU=Technology, O=Acme', $rsa,
        [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($false, $false, 0, $true))
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('DigitalSignature', $true))
    $eku = [Security.Cryptography.OidCollection]::new(); $null = $eku.Add([Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.2'))
    $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($eku, $false))
    $now = [DateTimeOffset]::UtcNow
    $certificate = $request.CreateSelfSigned($now.AddDays(-400), $now.AddDays(-35))
    $crt = [IO.Path]::Combine($Folder, "$Name.crt")
    $key = [IO.Path]::Combine($Folder, "$Name.key")
    [IO.File]::WriteAllText($crt, $certificate.ExportCertificatePem() + "`n")
    [IO.File]::WriteAllText($key, $rsa.ExportPkcs8PrivateKeyPem() + "`n")
    if (-not $IsWindows) { [IO.File]::SetUnixFileMode($key, [IO.UnixFileMode]'UserRead, UserWrite') }
    $rsa.Dispose()
    [pscustomobject]@{ Certificate = [Security.Cryptography.X509Certificates.X509Certificate2]::new($crt); KeyPath = $key; CertificatePath = $crt }
}

function Test-TcpPortOpen([int] $Port) {
    $client = [Net.Sockets.TcpClient]::new()
    try { $client.ConnectAsync([Net.IPAddress]::Loopback, $Port).Wait(500) -and $client.Connected } catch { $false } finally { $client.Dispose() }
}

# The allowed set: the uploaded certificates' PEM, concatenated (ssl_client_certificate / ca-file).
function Write-TestEdgeAllowedSet {
    param([Parameter(Mandatory)] [string] $Prefix, [Parameter(Mandatory)] [string[]] $Allowed)
    $pem = ($Allowed | ForEach-Object { [IO.File]::ReadAllText($_).Trim() + "`n" }) -join ''
    $temp = [IO.Path]::Combine($Prefix, 'allowed.pem.new')
    [IO.File]::WriteAllText($temp, $pem)
    [IO.File]::Move($temp, [IO.Path]::Combine($Prefix, 'allowed.pem'), $true)
}

<#
.SYNOPSIS
    Starts a real mTLS edge on a free 127.0.0.1 port from its template in tests/Edges/:
      NginxVerifyOn       nginx ssl_verify_client on, HTTP/2 (answers refusals with its 400 pages)
      NginxVerifyOnHttp1  the same over HTTP/1.1 only
      NginxOptionalNoCa   nginx ssl_verify_client optional_no_ca + 403
      NginxApiKey         nginx ssl_verify_client on, and the hello needs the API key (401 without it)
      HaproxyTls13        haproxy verify required, TLS 1.3 only (the alert comes after the client's handshake)
      HaproxyTls12        haproxy verify required, TLS 1.2 only (the alert ends the handshake)
    -Allowed are the uploaded certificates (PEM files); -ServerSubjectAltName 'DNS:other.invalid' gives the server a
    certificate for another name. Returns Kind, BaseUri, Port, Prefix, OrgId, ApiKey, CaCertificate, CaPath and the
    process; pass it to Stop-TestEdge in AfterAll.
#>
function Start-TestEdge {
    param(
        [Parameter(Mandatory)]
        [ValidateSet('NginxVerifyOn', 'NginxVerifyOnHttp1', 'NginxOptionalNoCa', 'NginxApiKey', 'HaproxyTls13', 'HaproxyTls12')]
        [string] $Kind,
        [Parameter(Mandatory)] $Authority,
        [Parameter(Mandatory)] [string[]] $Allowed,
        [string] $ServerSubjectAltName = 'IP:127.0.0.1',
        [string] $OrgId = $script:TestOrgId,
        [string] $ApiKey = $script:TestApiKey,
        [int] $TimeoutSec = 15
    )
    $isNginx = $Kind -like 'Nginx*'
    $tool = Get-EdgeTool $(if ($isNginx) { 'nginx' } else { 'haproxy' })
    $prefix = [IO.Path]::Combine([IO.Path]::GetTempPath(), "saleschat-edge-$($Kind.ToLowerInvariant())-$([guid]::NewGuid().ToString('n').Substring(0, 8))")
    $null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($prefix, 'tmp'))
    $null = New-TestEdgeServerCertificate -Authority $Authority -Folder $prefix -SubjectAltName $ServerSubjectAltName
    Write-TestEdgeAllowedSet -Prefix $prefix -Allowed $Allowed
    $port = Get-FreeTcpPort
    $template = switch ($Kind) {
        'NginxVerifyOn' { 'nginx-verify-on.conf' }
        'NginxVerifyOnHttp1' { 'nginx-verify-on.conf' }
        'NginxOptionalNoCa' { 'nginx-optional-no-ca.conf' }
        'NginxApiKey' { 'nginx-api-key.conf' }
        default { 'haproxy-verify-required.cfg' }
    }
    $text = [IO.File]::ReadAllText([IO.Path]::Combine($script:RepoRoot, 'tests', 'Edges', $template))
    $text = $text.Replace('{{PORT}}', [string]$port).Replace('{{PREFIX}}', $prefix).Replace('{{ORG}}', $OrgId).Replace('{{API_KEY}}', $ApiKey)
    $text = $text.Replace('{{HTTP2}}', $(if ($Kind -eq 'NginxVerifyOnHttp1') { '' } else { ' http2' }))
    $text = $text.Replace('{{TLS_VERSION}}', $(if ($Kind -eq 'HaproxyTls12') { 'ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2' } else { 'ssl-min-ver TLSv1.3' }))
    $config = [IO.Path]::Combine($prefix, $template)
    [IO.File]::WriteAllText($config, $text)

    $start = [Diagnostics.ProcessStartInfo]::new($tool)
    $arguments = if ($isNginx) { @('-p', $prefix, '-c', $config, '-e', [IO.Path]::Combine($prefix, 'error.log'), '-g', 'daemon off;') } else { @('-f', $config, '-db') }
    foreach ($a in $arguments) { $start.ArgumentList.Add($a) }
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $edge = [pscustomobject]@{
        PSTypeName    = 'SaleschatTest.Edge'
        Kind          = $Kind
        BaseUri       = [uri]"https://127.0.0.1:$port/"
        Port          = $port
        Prefix        = $prefix
        ConfigPath    = $config
        OrgId         = $OrgId
        ApiKey        = $ApiKey
        CaCertificate = $Authority.Certificate
        CaPath        = $Authority.CertificatePath
        Process       = $process
        StdOut        = $stdout
        StdErr        = $stderr
    }
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (Test-TcpPortOpen $port)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            $log = Get-TestEdgeLog $edge
            Stop-TestEdge $edge
            throw "$Kind did not start on 127.0.0.1:$port within $TimeoutSec s: $log"
        }
        Start-Sleep -Milliseconds 50
    }
    $edge
}

function Get-TestEdgeLog {
    param([Parameter(Mandatory)] $Edge)
    $log = [IO.Path]::Combine($Edge.Prefix, 'error.log')
    $text = if ([IO.File]::Exists($log)) { [IO.File]::ReadAllText($log) } else { '' }
    if ($Edge.Process.HasExited) { $text += $Edge.StdOut.GetAwaiter().GetResult() + $Edge.StdErr.GetAwaiter().GetResult() }
    $text
}

function Send-TestEdgeSignal([int] $ProcessId, [string] $Signal) {
    $kill = [Diagnostics.Process]::Start('kill', @("-$Signal", [string]$ProcessId))
    $kill.WaitForExit()
}

<#
.SYNOPSIS
    "Upload" on a real edge: writes the new allowed set and reloads nginx (SIGHUP), returning once the old worker
    (which still holds the old set) has exited, so the next connection sees the new set.
#>
function Update-TestEdgeAllowed {
    param([Parameter(Mandatory)] $Edge, [Parameter(Mandatory)] [string[]] $Allowed, [int] $TimeoutSec = 15)
    if ($Edge.Kind -notlike 'Nginx*') { throw 'Update-TestEdgeAllowed reloads nginx only.' }
    $log = [IO.Path]::Combine($Edge.Prefix, 'error.log')
    $exited = { ([regex]::Matches([IO.File]::ReadAllText($log), 'worker process \d+ exited')).Count }
    $before = & $exited
    Write-TestEdgeAllowedSet -Prefix $Edge.Prefix -Allowed $Allowed
    Send-TestEdgeSignal $Edge.Process.Id 'HUP'
    Wait-Until { (& $exited) -gt $before } -TimeoutSec $TimeoutSec -Because "nginx to reload ($log)"
}

# Stops an edge by its pid: SIGTERM lets nginx's master stop its workers; whatever is left is killed.
function Stop-TestEdge {
    param([Parameter(ValueFromPipeline)] $Edge)
    process {
        if (-not $Edge) { return }
        $p = $Edge.Process
        if (-not $p.HasExited) {
            Send-TestEdgeSignal $p.Id 'TERM'
            if (-not $p.WaitForExit(10000)) {
                $children = & pgrep -P $p.Id 2>$null
                foreach ($child in @($children)) { if ($child) { Send-TestEdgeSignal ([int]$child) 'KILL' } }
                $p.Kill($true); $p.WaitForExit()
            }
        }
        $p.Dispose()
        if ([IO.Directory]::Exists($Edge.Prefix)) { [IO.Directory]::Delete($Edge.Prefix, $true) }
    }
}

<#
.SYNOPSIS
    The hello call with curl, as Saleschat's docs test it: --cert/--key, --cacert unless -NoCa, the API key unless it
    is empty. Returns ExitCode, StatusCode, Body, Error and Verdict: Success, ApiKeyRejected, WrongOrganization,
    Refused (the client certificate: a TLS failure or an HTTP 400/403/495/496), ServerNameMismatch or
    ServerCertificateUntrusted.
#>
function Invoke-EdgeCurl {
    param(
        [Parameter(Mandatory)] $Edge,
        [Parameter(Mandatory)] $Pair,
        [string] $ApiKey = $Edge.ApiKey,
        [string] $OrgId = $Edge.OrgId,
        [switch] $NoCa,
        [switch] $Http1,
        # 'localhost' asks for a name the edge's certificate (made for 127.0.0.1) does not carry.
        [string] $HostName = '127.0.0.1'
    )
    $curl = Get-EdgeTool curl
    $arguments = @('-sS', '--max-time', '10', '-o', '-', '-w', '\n%{http_code}', '--cert', $Pair.CertificatePath, '--key', $Pair.KeyPath)
    if (-not $NoCa) { $arguments += @('--cacert', $Edge.CaPath) }
    if ($ApiKey) { $arguments += @('-H', "Authorization: Bearer $ApiKey") }
    if ($Http1) { $arguments += '--http1.1' }
    $arguments += "https://$($HostName):$($Edge.Port)/v4/orgs/$OrgId/mtls/hello"
    $errorFile = [IO.Path]::GetTempFileName()
    try {
        $output = (& $curl @arguments 2>$errorFile) -join "`n"
        $exit = $LASTEXITCODE
        $errorText = [IO.File]::ReadAllText($errorFile)
    }
    finally { [IO.File]::Delete($errorFile) }
    $status = 0
    $body = $output
    if ($output -match '(?s)^(.*)\n(\d{3})$') { $body = $Matches[1]; $status = [int]$Matches[2] }
    $verdict = if ($exit -eq 60 -and $errorText -match 'subject name|does not match') { 'ServerNameMismatch' }
    elseif ($exit -eq 60) { 'ServerCertificateUntrusted' }
    elseif ($exit -ne 0) { 'Refused' }
    elseif ($status -eq 200 -and $body.Trim() -eq 'Hello, world!') { 'Success' }
    elseif ($status -eq 401) { 'ApiKeyRejected' }
    elseif ($status -eq 403 -and $body -match '4030001') { 'WrongOrganization' }
    elseif ($status -in 400, 403, 495, 496) { 'Refused' }
    else { "Unexpected $status" }
    [pscustomobject]@{ ExitCode = $exit; StatusCode = $status; Body = $body; Error = $errorText; Verdict = $verdict }
}

Export-ModuleMember -Function *

# ---- Real shell, examples and the install path (issue 10) ----
# Tags: 'CI' runs everywhere; 'Slow' starts child processes; 'Edge' needs nginx/haproxy; 'WinPS' marks tests meant
# for Windows PowerShell 5.1 too (.github/workflows/ci.yml runs exactly those in `shell: powershell`): their files
# keep to 5.1 syntax and .NET Framework APIs.

# The text a console user sees: the child's stdout and stderr together, colour codes removed.
function Get-TestPwshText {
    param([Parameter(Mandatory)] $Run)
    ($Run.StdOut + $Run.StdErr) -replace "$([char]27)\[[0-9;]*m", ''
}

Export-ModuleMember -Function *

# ---- Hardening: files, rotation and input (issue 9) ----------------------------------------------------------

<#
.SYNOPSIS
    Starts a child pwsh running -Command and returns at once (Process, StdOut and StdErr tasks), for tests that
    run children side by side or kill one mid-work. The process is the real dotnet process (Get-PwshCommandLine),
    so Kill() is a kill -9 of the pwsh itself. Pass the result to Stop-TestPwsh, which waits with a deadline.
#>
function Start-TestPwsh {
    param([Parameter(Mandatory)] [string] $Command, [string] $Umask, [string] $WorkingDirectory = $PWD.ProviderPath)
    Start-TestChildProcess -StartInfo (New-TestPwshStartInfo @PSBoundParameters)
}

# Waits for a Start-TestPwsh or Start-TestChildProcess child (killing it after the deadline) and returns ExitCode, StdOut, StdErr, TimedOut.
function Stop-TestPwsh {
    param([Parameter(Mandatory)] $Child, [int] $TimeoutSec = 120)
    $process = $Child.Process
    try {
        $timedOut = -not $process.WaitForExit($TimeoutSec * 1000)
        if ($timedOut) { $process.Kill($true); $process.WaitForExit() }
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            StdOut   = $Child.StdOut.GetAwaiter().GetResult()
            StdErr   = $Child.StdErr.GetAwaiter().GetResult()
            TimedOut = $timedOut
        }
    }
    finally { $process.Dispose() }
}

# Invoke-TestPwsh -Command under a umask (e.g. '000'): the mode a user with a loose umask would get.
function Invoke-TestPwshUmask {
    param([Parameter(Mandatory)] [string] $Umask, [Parameter(Mandatory)] [string] $Command, [int] $TimeoutSec = 120)
    Invoke-TestPwsh -Command $Command -Umask $Umask -TimeoutSec $TimeoutSec
}

# Why two-user tests cannot run here, or $null when they can (root on Linux with useradd: the CI runner).
function Get-TestOsUserSkipReason {
    if (-not $IsLinux) { return 'needs Linux (useradd, chown)' }
    if ((& id -u) -ne '0') { return 'needs root to create a second OS user (CI runs as root)' }
    if (-not (Get-Command useradd -ErrorAction Ignore)) { return 'useradd is not installed' }
    $null
}

# A throwaway OS user (no home, no login) that owns planted files; remove it with Remove-TestOsUser.
function New-TestOsUser {
    $name = 'schf' + [guid]::NewGuid().ToString('n').Substring(0, 8)
    & useradd --no-create-home --shell /usr/sbin/nologin $name
    if ($LASTEXITCODE -ne 0) { throw "useradd $name failed." }
    $name
}

function Remove-TestOsUser {
    param([string] $Name)
    if ($Name) { & userdel $Name 2>$null }
}

Export-ModuleMember -Function *

# ---- Hardening: network and memory (issue 9) ----

<#
.SYNOPSIS
    Starts `pwsh -NoProfile -NonInteractive -File <File>` without waiting (Start-TestChildProcess), under a umask when
    -Umask is given, so a test can watch it, kill it (kill -9 mid-download) or read its exit. Returns the
    process; the caller stops it in a finally/AfterAll (Stop-TestProcess).
#>
function Start-TestPwshProcess {
    param(
        [Parameter(Mandatory)] [string] $File,
        [string] $Umask,
        [hashtable] $Environment = @{}
    )
    (Start-TestChildProcess -StartInfo (New-TestPwshStartInfo -File $File -Umask $Umask -Environment $Environment)).Process
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
