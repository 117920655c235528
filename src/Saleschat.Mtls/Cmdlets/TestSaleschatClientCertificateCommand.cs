using System;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Saleschat.Mtls.Certificates;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsDiagnostic.Test, "SaleschatClientCertificate")]
    [OutputType(typeof(CertificateTestResult), typeof(bool))]
    public sealed class TestSaleschatClientCertificateCommand : SaleschatCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Cert")]
        [ValidateNotNull]
        [CertificateFromPath]
        public X509Certificate2 Certificate { get; set; }

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
                CertificateTestResult result = new CertificateRequirements().Check(Certificate, key, keyPath, MinimumDaysValid, DateTime.UtcNow);
                foreach (CertificateCheck check in result.Checks)
                {
                    WriteVerbose(check.ToString());
                }

                WriteObject(Quiet ? (object)result.Passed : result);
            });
        }
    }
}
