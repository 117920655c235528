<#
.SYNOPSIS
    Bulk import: every row of a CSV (Name, Phone) becomes a contact, sent through the pipeline over one
    mTLS connection pool. Failed rows (duplicates: 409 4090001 UQ_CONSTRAINT_FAILED) are reported, the
    rest go on.
.EXAMPLE
    New-SaleschatSession -Environment Production -OrgId $org -ApiKey $key -CertificatePath ./c.crt -KeyPath ./c.key
    ./examples/Import-SaleschatContacts.ps1 -Path ./contacts.csv
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Path
)

$failed = $null
$created = Import-Csv -Path $Path |
    ForEach-Object { @{ name = $_.Name; phone = $_.Phone } } |
    Invoke-SaleschatMtlsRequest -Method Post -Path '/v2/org/{orgId}/contact' -ErrorAction SilentlyContinue -ErrorVariable failed

[pscustomobject]@{
    Created = @($created).Count
    Failed  = @($failed).Count
    Errors  = @($failed | ForEach-Object { '{0} {1}' -f $_.Exception.StatusCode, $_.Exception.SaleschatMessage })
}
