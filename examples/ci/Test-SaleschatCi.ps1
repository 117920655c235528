<#
.SYNOPSIS
    CI gate: the client certificate from the pipeline's secrets meets Saleschat's requirements, is valid
    for at least -MinimumDaysValid more days, and Saleschat accepts it (the hello call).
.DESCRIPTION
    Reads everything from environment variables, as GitHub Actions and Azure DevOps pass secrets:
      SALESCHAT_CLIENT_CERT  the certificate, PEM or base64 of PEM
      SALESCHAT_CLIENT_KEY   its private key, PEM or base64 of PEM
      SALESCHAT_ORG_ID       the org id
      SALESCHAT_API_KEY      the API key (only needed for API calls; the hello call uses the certificate)
    Exit codes: 0 all good; 1 the certificate fails a requirement or expires too soon; 2 Saleschat
    refused the connection (the Diagnosis says why); 3 a variable above is not set (a secret not mapped
    into the step's env). Nothing prompts; no secret is printed.
    GitHub Actions: run it with `shell: pwsh -NoProfile -File {0}` (see github-actions.yml). The plain
    `shell: pwsh` runs the step as `pwsh -command ". '{0}'"`, which turns every exit code but 0 into 1.
    Azure DevOps: a `script: pwsh -NoProfile -NonInteractive -File ...` step (see azure-pipelines.yml), for the
    same reason: its `pwsh:` task runs `pwsh -Command ". '<file>'"`.
.EXAMPLE
    pwsh -File examples/ci/Test-SaleschatCi.ps1 -Environment Production -MinimumDaysValid 30
#>
[CmdletBinding()]
param(
    [ValidateSet('Production', 'UAT')]
    [string] $Environment = 'UAT',
    [int] $MinimumDaysValid = 30,
    # Private test hosts only (the emulator in this repository's tests): another host and its CA.
    [uri] $BaseUri,
    # the CA as a certificate or a file path (relative to the current location)
    $ServerCertificateAuthority
)

$ErrorActionPreference = 'Stop'
# Name what is missing before anything reads it: an unmapped secret is an empty variable, and would otherwise
# surface as a parameter binding error about -Pem or as a refusal later on. GitHub Actions passes an undefined
# secret as an empty string; Azure DevOps leaves an undefined $(NAME) as that literal text.
$missing = @('SALESCHAT_CLIENT_CERT', 'SALESCHAT_CLIENT_KEY', 'SALESCHAT_ORG_ID' | Where-Object {
        $value = [Environment]::GetEnvironmentVariable($_)
        [string]::IsNullOrWhiteSpace($value) -or $value.Trim() -eq "`$($_)"
    })
if ($missing) {
    "::error::Not set in this step's environment: $($missing -join ', '). Map each one in the step's env block (GitHub Actions: env: NAME: `${{ secrets.NAME }}; Azure DevOps: env: NAME: `$(NAME))."
    exit 3
}
$certificate = Get-SaleschatClientCertificate -Pem $env:SALESCHAT_CLIENT_CERT -KeyPem $env:SALESCHAT_CLIENT_KEY

$check = Test-SaleschatClientCertificate -Certificate $certificate -MinimumDaysValid $MinimumDaysValid
$check.Checks | Out-Default
if (-not $check.Passed) {
    # GitHub Actions turns this line into an annotation; Azure DevOps shows it in the log.
    "::error::Saleschat client certificate $($check.Thumbprint) failed: $($check.FailedChecks -join ', ')"
    exit 1
}

$session = @{ Certificate = $certificate }
if ($BaseUri) { $session.BaseUri = $BaseUri } else { $session.Environment = $Environment }
if ($ServerCertificateAuthority) { $session.ServerCertificateAuthority = $ServerCertificateAuthority }
$null = New-SaleschatSession @session

$hello = Test-SaleschatMtls
$hello | Out-Default
if (-not $hello.Success) {
    "::error::Saleschat mTLS check failed: $($hello.Diagnosis). $($hello.Message)"
    exit 2
}

"Saleschat mTLS OK: certificate $($check.Thumbprint) has $($check.DaysUntilExpiry) days left."
exit 0
