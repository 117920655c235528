namespace Saleschat.Mtls
{
    /// <summary>What a hello call found, in terms a person can act on.</summary>
    public enum MtlsDiagnosis
    {
        Success,
        ClientCertificateRefused,
        ClientCertificateExpired,
        ClientCertificateNoPrivateKey,
        ServerCertificateUntrusted,
        DnsFailure,
        ConnectionRefused,
        Timeout,
        WrongOrganization,
        UnexpectedResponse,
    }
}
