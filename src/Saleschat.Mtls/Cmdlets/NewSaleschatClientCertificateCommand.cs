using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsCommon.New, "SaleschatClientCertificate", SupportsShouldProcess = true, DefaultParameterSetName = KeySet)]
    [OutputType(typeof(X509Certificate2))]
    public sealed class NewSaleschatClientCertificateCommand : SaleschatCmdlet
    {
        private const string KeySet = "Key";
        private const string KeyPathSet = "KeyPath";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = KeySet)]
        public ClientKey Key { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = KeyPathSet)]
        [ValidateNotNullOrEmpty]
        public string KeyPath { get; set; }

        [Parameter(ParameterSetName = KeyPathSet)]
        public SecureString KeyPassword { get; set; }

        [Parameter]
        public string Organization { get; set; }

        [Parameter]
        public string CommonName { get; set; }

        [Parameter]
        public string OrganizationalUnit { get; set; }

        [Parameter]
        public string Locality { get; set; }

        [Parameter]
        public string State { get; set; }

        [Parameter]
        public string Country { get; set; }

        [Parameter]
        public string Subject { get; set; }

        [Parameter]
        public int ValidityDays { get; set; } = ClientCertificateBuilder.DefaultValidityDays;

        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            RunForItem(() =>
            {
                string path = ResolvePath(Path);
                if (path != null && !Force)
                {
                    AtomicFileWriter.ThrowIfExists(path, ErrorIds.CertificateFileExists);
                }
                else if (path != null)
                {
                    // -KeyPath k.key -Path k.key -Force would replace the only copy of the key with its certificate.
                    ClientCertificateFactory.ThrowIfPrivateKeyFile(path);
                }

                CertificateSubject subject = Subject != null
                    ? CertificateSubject.Parse(Subject)
                    : CertificateSubject.FromParts(Organization, CommonName, OrganizationalUnit, Locality, State, Country);

                if (path != null && !ShouldProcess(path, $"Create self-signed client certificate {subject} valid {ValidityDays} days"))
                {
                    return;
                }

                RsaPrivateCrtKeyParameters key = Key != null ? Key.PrivateKey : ClientCertificateReader.ReadKeyFile(ResolvePath(KeyPath), KeyPassword, VouchForKey(ResolvePath(KeyPath)));
                if (key == null)
                {
                    throw new SaleschatException(ErrorIds.KeyRequired, ErrorKind.InvalidArgument,
                        "The key object holds no private key (was it deserialized?). Pass -KeyPath instead.", Key);
                }

                WriteVerbose($"Signing {subject} with SHA-256 for {ValidityDays} days.");
                X509Certificate2 certificate = ClientCertificateFactory.Create(key, subject, ValidityDays, path, Force);
                if (path != null)
                {
                    WriteVerbose($"Wrote the public certificate PEM to '{path}'. " + Messages.UploadCertificate("it") + ".");
                }

                WriteCertificate(certificate);
            });
        }
    }
}
