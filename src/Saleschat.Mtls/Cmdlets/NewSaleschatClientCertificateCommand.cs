using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsCommon.New, "SaleschatClientCertificate", SupportsShouldProcess = true, DefaultParameterSetName = KeySet)]
    [OutputType(typeof(X509Certificate2))]
    public sealed class NewSaleschatClientCertificateCommand : ClientSubjectCmdlet
    {
        [Parameter]
        public int ValidityDays { get; set; } = ClientCertificateBuilder.DefaultValidityDays;

        protected override void ProcessRecord()
        {
            RunForItem(() =>
            {
                string path = ResolveOutputPath();
                CertificateSubject subject = BuildSubject();
                if (path != null && !ShouldProcess(path, $"Create self-signed client certificate {subject} valid {ValidityDays} days"))
                {
                    return;
                }

                RsaPrivateCrtKeyParameters key = ReadKey();
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
