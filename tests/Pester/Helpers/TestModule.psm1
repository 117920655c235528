# The module under test as users import it (built into out/), and the API key and org the emulator accepts.
Set-StrictMode -Version 3.0

$script:RepoRoot = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', '..', '..'))
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

Export-ModuleMember -Function Get-RepoRoot, Get-TestApiKey, Get-TestApiKeyText, Get-TestOrgId, Get-TestModuleManifest, Import-TestedModule
