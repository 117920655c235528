using System.Management.Automation;
using System.Security;
using Saleschat.Mtls.Rotation;

namespace Saleschat.Mtls.Cmdlets
{
    /// <summary>The pair both rotation cmdlets take, shared rather than copied.</summary>
    public abstract class RotationCmdlet : SaleschatCmdlet
    {
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string CertificatePath { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string KeyPath { get; set; }

        [Parameter]
        public SecureString KeyPassword { get; set; }

        protected RotationPaths ResolvePaths() => new RotationPaths(ResolvePath(CertificatePath), ResolvePath(KeyPath));
    }
}
