using System;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Saleschat.Mtls.Certificates;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsDiagnostic.Test, "SaleschatClientCertificate", DefaultParameterSetName = CertificateSet)]
    [OutputType(typeof(CertificateTestResult), typeof(bool))]
    public sealed class TestSaleschatClientCertificateCommand : SaleschatCmdlet
    {
        private const string CertificateSet = "Certificate";
        private const string PathSet = "Path";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = CertificateSet)]
        [Alias("Cert")]
        [ValidateNotNull]
        [CertificateFromPath]
        public X509Certificate2 Certificate { get; set; }

        /// <summary>A certificate file (PEM, DER or PFX), checked as it is: an expired one is checked, not refused.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [Alias("FullName", "CertificatePath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string ChainPath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string KeyPath { get; set; }

        [Parameter]
        public SecureString KeyPassword { get; set; }

        [Parameter]
        [ValidateRange(0, 3650)]
        public int MinimumDaysValid { get; set; }

        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            RunForItem(() =>
            {
                string keyPath = ResolvePath(KeyPath);
                RsaPrivateCrtKeyParameters key = keyPath == null ? null : ClientCertificateReader.ReadKeyFile(keyPath, KeyPassword);
                // The file alone, without the key: a key that does not match is a failed check here, not an error.
                X509Certificate2 certificate = Certificate ?? ClientCertificateReader.FromFiles(ResolvePath(Path), null, KeyPassword, chainPath: ResolvePath(ChainPath));
                CertificateTestResult result = new CertificateRequirements().Check(certificate, key, keyPath, MinimumDaysValid, DateTime.UtcNow);
                foreach (CertificateCheck check in result.Checks)
                {
                    WriteVerbose(check.ToString());
                }

                WriteObject(Quiet ? (object)result.Passed : result);
            });
        }
    }
}
