# stunnel4 as a TLS 1.3 mTLS edge (verifyPeer with the uploaded certificates as CAfile). Over TLS 1.3 it checks the
# client certificate after the client's side of the handshake, and sometimes resets the TCP connection before its
# unknown_ca alert reaches the client. Started like the other edges (SaleschatTestUtils.psm1, Start-TestEdge) and
# stopped by its pid with Stop-TestEdge. Only refusals are exercised: the backend port has nothing behind it.

function Start-TestStunnelEdge {
    param(
        [Parameter(Mandatory)] $Authority,
        [Parameter(Mandatory)] [string[]] $Allowed,
        [int] $TimeoutSec = 15
    )
    $tool = foreach ($path in '/usr/bin/stunnel4', '/usr/bin/stunnel', '/usr/local/bin/stunnel') { if ([IO.File]::Exists($path)) { $path; break } }
    if (-not $tool) { throw 'stunnel4 is not installed, so the stunnel edge test cannot run: install it (apt-get install stunnel4).' }
    $prefix = [IO.Path]::Combine([IO.Path]::GetTempPath(), "saleschat-edge-stunnel-$([guid]::NewGuid().ToString('n').Substring(0, 8))")
    $null = [IO.Directory]::CreateDirectory($prefix)
    $null = New-TestEdgeServerCertificate -Authority $Authority -Folder $prefix
    Write-TestEdgeAllowedSet -Prefix $prefix -Allowed $Allowed
    $port = Get-FreeTcpPort
    $config = [IO.Path]::Combine($prefix, 'stunnel.conf')
    [IO.File]::WriteAllText($config, @"
foreground = yes
pid = $prefix/stunnel.pid
output = $prefix/error.log
[mtls]
accept = 127.0.0.1:$port
connect = 127.0.0.1:$(Get-FreeTcpPort)
cert = $prefix/server.crt
key = $prefix/server.key
CAfile = $prefix/allowed.pem
verifyPeer = yes
sslVersionMin = TLSv1.3
"@)
    $start = [Diagnostics.ProcessStartInfo]::new($tool)
    $start.ArgumentList.Add($config)
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    $edge = [pscustomobject]@{
        PSTypeName    = 'SaleschatTest.Edge'
        Kind          = 'StunnelTls13'
        BaseUri       = [uri]"https://127.0.0.1:$port/"
        Port          = $port
        Prefix        = $prefix
        ConfigPath    = $config
        OrgId         = Get-TestOrgId
        ApiKey        = Get-TestApiKeyText
        CaCertificate = $Authority.Certificate
        CaPath        = $Authority.CertificatePath
        Process       = $process
        StdOut        = $process.StandardOutput.ReadToEndAsync()
        StdErr        = $process.StandardError.ReadToEndAsync()
    }
    Wait-TestEdgeListening $edge -Name 'stunnel' -TimeoutSec $TimeoutSec
    $edge
}

Export-ModuleMember -Function Start-TestStunnelEdge
