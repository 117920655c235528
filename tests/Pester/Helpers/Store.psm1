# The current user's certificate store (Windows, and the .NET store on Unix).
Set-StrictMode -Version 3.0

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

Export-ModuleMember -Function Add-TestStoreCertificate, Remove-TestStoreCertificate
