# The one module every *.Tests.ps1 imports in BeforeAll. The helpers live by topic in Helpers/ (each with an explicit
# export list, as PowerShell's own test/tools/Modules do); this file imports them and re-exports their functions, so
# a test file needs one import. Nothing here prompts; every wait has a deadline; every process started is stopped.
# Tags: 'CI' runs everywhere; 'Slow' starts child processes; 'Edge' needs nginx/haproxy; 'WinPS' marks tests meant
# for Windows PowerShell 5.1 too (.github/workflows/ci.yml runs exactly those in `shell: powershell`): their files
# keep to 5.1 syntax and .NET Framework APIs.
Set-StrictMode -Version 3.0

foreach ($topic in @('TestModule', 'HelpersCommon', 'ChildProcess', 'ServerProcess', 'Emulator', 'TlsServers', 'OpenSsl', 'Edges', 'Files', 'Store')) {
    Import-Module ([IO.Path]::Combine($PSScriptRoot, 'Helpers', "$topic.psm1"))
}

Export-ModuleMember -Alias Test-ContainsKeyMaterial -Function @(
    'Get-RepoRoot'
    'Get-TestApiKey'
    'Get-TestApiKeyText'
    'Get-TestOrgId'
    'Get-TestModuleManifest'
    'Import-TestedModule'
    'Wait-Until'
    'Get-FreeTcpPort'
    'Test-TcpPortOpen'
    'New-TestSecret'
    'Get-PwshCommandLine'
    'Invoke-TestProgram'
    'New-TestProcessStartInfo'
    'Start-TestChildProcess'
    'Invoke-TestPwsh'
    'Get-TestPwshText'
    'Start-TestPwsh'
    'Stop-TestPwsh'
    'Start-TestEmulator'
    'Stop-TestEmulator'
    'Add-EmulatorCertificate'
    'Clear-EmulatorCertificates'
    'Get-EmulatorStats'
    'New-TestClientPair'
    'New-TestSession'
    'Get-EmulatorAttempts'
    'New-TestRequestKey'
    'New-TestPhone'
    'Start-CaptureServer'
    'Start-OpenSslServer'
    'Start-TestServer'
    'Stop-TestServer'
    'Invoke-OpenSsl'
    'New-OpenSslKey'
    'New-OpenSslCertificate'
    'New-OpenSslPair'
    'New-TestCertificateIssuedAt'
    'Get-TestDocumentedSubject'
    'Get-EdgeTool'
    'Invoke-EdgeOpenSsl'
    'New-TestEdgeAuthority'
    'New-TestEdgeServerCertificate'
    'New-TestExpiredClientPair'
    'Write-TestEdgeAllowedSet'
    'Start-TestEdge'
    'Update-TestEdgeAllowed'
    'New-TestEdgeFixture'
    'Invoke-TestEdgeReload'
    'Invoke-EdgeCurl'
    'Test-KeyMaterialVisible'
    'Get-FolderSnapshot'
    'New-TestFolder'
    'Invoke-TestCommand'
    'Add-TestStoreCertificate'
    'Remove-TestStoreCertificate'
)
