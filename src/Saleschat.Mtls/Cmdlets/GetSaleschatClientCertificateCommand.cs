using System;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsCommon.Get, "SaleschatClientCertificate", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(X509Certificate2))]
    public sealed class GetSaleschatClientCertificateCommand : SaleschatCmdlet
    {
        private const string PathSet = "Path";
        private const string PemSet = "Pem";
        private const string ThumbprintSet = "Thumbprint";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [Alias("FullName", "CertificatePath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string KeyPath { get; set; }

        // The CA certificates that issued the client certificate (PEM or PKCS#7), when the CA returned them in their own file.
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string ChainPath { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = PemSet)]
        [ValidateNotNullOrEmpty]
        public string Pem { get; set; }

        [Parameter(ParameterSetName = PemSet)]
        [ValidateNotNullOrEmpty]
        public object KeyPem { get; set; }

        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = PemSet)]
        public SecureString KeyPassword { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ThumbprintSet)]
        [ArgumentCompleter(typeof(Completion.ThumbprintCompleter))]
        [ValidateNotNullOrEmpty]
        public string Thumbprint { get; set; }

        [Parameter(ParameterSetName = ThumbprintSet)]
        public StoreLocation StoreLocation { get; set; } = StoreLocation.CurrentUser;

        protected override void ProcessRecord()
        {
            RunForItem(() =>
            {
                X509Certificate2 certificate = Load();
                WriteVerbose($"Loaded '{certificate.Subject}' ({certificate.Thumbprint}) from {ParameterSetName}; private key {(certificate.HasPrivateKey ? "attached" : "not given")}; expires {certificate.NotAfter.ToUniversalTime():u}.");
                WarnAboutValidity(certificate);
                WarnAboutChain(certificate);
                WriteCertificate(certificate);
            });
        }

        private X509Certificate2 Load()
        {
            switch (ParameterSetName)
            {
                case PemSet:
                    return WithKeyPem(KeyPem, key => ClientCertificateReader.FromPem(Pem, key, KeyPassword));
                case ThumbprintSet:
                    return ClientCertificateReader.FromStore(Thumbprint, StoreLocation);
                default:
                    return LoadFromFiles(ResolvePath(Path), ResolvePath(KeyPath), KeyPassword, ResolvePath(ChainPath));
            }
        }

        /// <summary>
        /// An expired certificate is output with a warning, as New-SaleschatSession and every other cmdlet that loads
        /// one do: it can still be inspected, tested (Test-SaleschatClientCertificate) and rotated away from.
        /// </summary>
        private void WarnAboutValidity(X509Certificate2 certificate)
        {
            DateTime now = DateTime.UtcNow;
            if (CertificateExpiry.IsExpired(certificate, now))
            {
                WriteWarning($"The certificate '{certificate.Subject}' ({certificate.Thumbprint}) expired on {certificate.NotAfter.ToUniversalTime():u}. Saleschat will refuse it: make and upload a new one (Start-SaleschatCertificateRotation).");
            }
            else if (CertificateExpiry.IsNotYetValid(certificate, now))
            {
                WriteWarning($"The certificate '{certificate.Subject}' is not valid before {certificate.NotBefore.ToUniversalTime():u}.");
            }
        }
    }
}
