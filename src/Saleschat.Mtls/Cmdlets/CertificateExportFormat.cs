namespace Saleschat.Mtls.Cmdlets
{
    public enum CertificateExportFormat
    {
        Pem,
        Pfx,
    }
}
