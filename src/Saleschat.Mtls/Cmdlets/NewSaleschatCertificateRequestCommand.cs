using System.Management.Automation;
using Saleschat.Mtls.Certificates;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsCommon.New, "SaleschatCertificateRequest", SupportsShouldProcess = true, DefaultParameterSetName = KeySet)]
    [OutputType(typeof(CertificateSigningRequest))]
    public sealed class NewSaleschatCertificateRequestCommand : ClientSubjectCmdlet
    {
        protected override void ProcessRecord()
        {
            RunForItem(() =>
            {
                string path = ResolveOutputPath(request: true);
                CertificateSubject subject = BuildSubject();
                if (path != null && !ShouldProcess(path, $"Create certificate signing request for {subject}"))
                {
                    return;
                }

                CertificateSigningRequest request = CertificateRequestFactory.Create(ReadKey(), subject, path, Force);
                if (path != null)
                {
                    WriteVerbose($"Wrote the certificate signing request for {subject} to '{path}'. Send it to your CA; read its reply with Get-SaleschatClientCertificate -KeyPath (a full-chain PEM, -ChainPath, a .p7b or a PFX).");
                }

                WriteObject(request);
            });
        }
    }
}
