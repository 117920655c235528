using System.IO;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsData.Export, "SaleschatClientCertificate", SupportsShouldProcess = true)]
    [OutputType(typeof(string), typeof(FileInfo))]
    public sealed class ExportSaleschatClientCertificateCommand : SaleschatCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Cert")]
        [ValidateNotNull]
        [CertificateFromPath]
        public X509Certificate2 Certificate { get; set; }

        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        public CertificateExportFormat Format { get; set; } = CertificateExportFormat.Pem;

        [Parameter]
        public SecureString KeyPassword { get; set; }

        [Parameter]
        public SwitchParameter LegacyEncryption { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        // The CA certificates read with the certificate (a full-chain PEM, -ChainPath, .p7b or PFX) follow it.
        [Parameter]
        public SwitchParameter IncludeChain { get; set; }

        protected override void ProcessRecord()
        {
            RunForItem(() =>
            {
                string path = ResolvePath(Path);
                if (Format == CertificateExportFormat.Pfx)
                {
                    ExportPfx(path);
                }
                else if (path == null)
                {
                    // The text to paste in Settings > mTLS, or to pipe to a file or clipboard.
                    WriteObject(PublicPem());
                }
                else if (ShouldProcess(path, "Write public certificate PEM"))
                {
                    ClientCertificateFactory.WritePublicPem(Certificate.RawData, path, Force, IncludeChain ? ClientChains.Of(Certificate) : null);
                    WriteVerbose($"Wrote the public certificate of '{Certificate.Subject}' to '{path}'. No private key was written.");
                    WriteFileItem(path);
                }
            });
        }

        private string PublicPem()
        {
            var pem = new System.Text.StringBuilder(CertificatePem.Encode(Certificate.RawData));
            foreach (X509Certificate2 issuer in IncludeChain ? ClientChains.Of(Certificate) : new X509Certificate2[0])
            {
                pem.Append(CertificatePem.Encode(issuer.RawData));
            }

            return pem.ToString();
        }

        private void ExportPfx(string path)
        {
            if (path == null)
            {
                throw new SaleschatException(ErrorIds.PfxPathRequired, ErrorKind.InvalidArgument,
                    "A PFX holds the private key and is written only to a file: give -Path.", Certificate);
            }

            if (ShouldProcess(path, $"Write password-protected PFX with the private key ({(LegacyEncryption ? "3DES, legacy" : "AES-256")})"))
            {
                PfxExport.Write(Certificate, path, KeyPassword, LegacyEncryption, Force, IncludeChain);
                WriteVerbose($"Wrote the PFX of '{Certificate.Subject}' to '{path}' (owner-only).");
                WriteFileItem(path);
            }
        }
    }
}
