using System.Management.Automation;
using System.Security;
using Org.BouncyCastle.Crypto.Parameters;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Cmdlets
{
    /// <summary>
    /// The key and subject parameters New-SaleschatClientCertificate and New-SaleschatCertificateRequest share:
    /// the same names, parameter sets and defaults, declared once.
    /// </summary>
    public abstract class ClientSubjectCmdlet : SaleschatCmdlet
    {
        protected const string KeySet = "Key";
        protected const string KeyPathSet = "KeyPath";

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

        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>-Subject when given, else the documented form built from the parts.</summary>
        protected CertificateSubject BuildSubject() =>
            Subject != null
                ? CertificateSubject.Parse(Subject)
                : CertificateSubject.FromParts(Organization, CommonName, OrganizationalUnit, Locality, State, Country);

        /// <summary>The piped key, or the -KeyPath file read with -KeyPassword.</summary>
        protected RsaPrivateCrtKeyParameters ReadKey()
        {
            RsaPrivateCrtKeyParameters key = Key != null ? Key.PrivateKey : ClientCertificateReader.ReadKeyFile(ResolvePath(KeyPath), KeyPassword, VouchForKey(ResolvePath(KeyPath)));
            if (key == null)
            {
                throw new SaleschatException(ErrorIds.KeyRequired, ErrorKind.InvalidArgument,
                    "The key object holds no private key (was it deserialized?). Pass -KeyPath instead.", Key);
            }

            return key;
        }

        /// <summary>
        /// The output path, checked before any work: an existing file needs -Force, and -Force never replaces a file
        /// that holds a private key (`-KeyPath k.key -Path k.key -Force` would lose the only copy of the key), and
        /// a request replaces only an earlier request (<see cref="ReplaceRule"/>).
        /// </summary>
        /// <param name="request">The file will hold a certificate signing request.</param>
        protected string ResolveOutputPath(bool request = false)
        {
            string path = ResolvePath(Path);
            if (path != null && !Force)
            {
                Files.AtomicFileWriter.ThrowIfExists(path, ErrorIds.CertificateFileExists);
            }
            else if (path != null && request)
            {
                ReplaceRule.ThrowUnlessRequest(path);
            }
            else if (path != null)
            {
                ClientCertificateFactory.ThrowIfPrivateKeyFile(path);
            }

            return path;
        }
    }
}
