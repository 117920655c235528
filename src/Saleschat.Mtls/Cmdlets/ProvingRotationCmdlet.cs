using System.Management.Automation;

namespace Saleschat.Mtls.Cmdlets
{
    /// <summary>
    /// The rotation cmdlets that prove a next certificate with the hello call before promoting it (Complete and the
    /// scheduled maintenance): the session that proves it, and the CA's reply when the next key went out as a CSR.
    /// </summary>
    public abstract class ProvingRotationCmdlet : RotationCmdlet
    {
        /// <summary>Gives the environment, org, API key and server CA for the proof, and is switched to the promoted pair (default: the default session).</summary>
        [Parameter(Position = 0)]
        [ValidateNotNull]
        public SaleschatSession Session { get; set; }

        /// <summary>The CA's reply to the next key's CSR (Complete: required for a CSR rotation; maintenance: default client.next.issued.pem beside the pair).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string IssuedCertificatePath { get; set; }

        /// <summary>The issuing CA certificates, when the CA returns them apart from the certificate.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ChainPath { get; set; }
    }
}
