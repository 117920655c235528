# The repository's manifest: after `dotnet build -c Release` it imports (and passes Test-ModuleManifest) from the
# repository root, its paths pointing into the out folder. The build writes the module's own copy there, without that
# prefix and with Directory.Build.props' ModuleVersion stamped in.
@{
    RootModule           = 'out/Saleschat.Mtls/Saleschat.Mtls.dll'
    # Directory.Build.props' ModuleVersion is the one version source; a test fails when this copy differs from it.
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '5b0d7f0e-7f3c-4a43-9a57-2f6b1b3c5e21'
    Author               = 'Saleschat.Mtls developers'
    CompanyName          = 'Saleschat.Mtls'
    Copyright            = '(c) Saleschat.Mtls developers. MIT License.'
    Description          = 'Mutual TLS for the Saleschat API: make the RSA client key and self-signed certificate, export the PEM to upload, check it against Saleschat''s requirements, prove the connection and call the API over mTLS with your API key. Safe in runbooks and CI: nothing prompts, no secret is ever printed.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    RequiredAssemblies   = @()
    TypesToProcess       = @('out/Saleschat.Mtls/Saleschat.Mtls.types.ps1xml')
    FormatsToProcess     = @('out/Saleschat.Mtls/Saleschat.Mtls.format.ps1xml')
    CmdletsToExport      = @(
        'New-SaleschatClientKey'
        'New-SaleschatClientCertificate'
        'New-SaleschatCertificateRequest'
        'Get-SaleschatClientCertificate'
        'Export-SaleschatClientCertificate'
        'Test-SaleschatClientCertificate'
        'New-SaleschatSession'
        'Test-SaleschatMtls'
        'Invoke-SaleschatMtlsRequest'
        'Start-SaleschatCertificateRotation'
        'Complete-SaleschatCertificateRotation'
        'Invoke-SaleschatCertificateMaintenance'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Saleschat', 'mTLS', 'MutualTLS', 'ClientCertificate', 'X509', 'TLS', 'API', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/saleschat-mtls/Saleschat.Mtls/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/saleschat-mtls/Saleschat.Mtls'
            ReleaseNotes = '0.1.0, the first release: every step of Saleschat''s mTLS flow as a cmdlet. New-SaleschatClientKey and New-SaleschatClientCertificate make the RSA key (owner-only, atomic) and the self-signed SHA-256 client certificate, Test-SaleschatClientCertificate checks it against Saleschat''s requirements, Export-SaleschatClientCertificate gives the PEM to upload, New-SaleschatSession, Test-SaleschatMtls and Invoke-SaleschatMtlsRequest prove the connection and call the API with retries, and Start-/Complete-SaleschatCertificateRotation rotate with overlap. Full notes: https://github.com/saleschat-mtls/Saleschat.Mtls/blob/main/CHANGELOG.md'
        }
    }
}
