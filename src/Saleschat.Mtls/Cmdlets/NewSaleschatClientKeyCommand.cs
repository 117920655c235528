using System.Management.Automation;
using System.Security;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Files;
using Saleschat.Mtls.Keys;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsCommon.New, "SaleschatClientKey", SupportsShouldProcess = true)]
    [OutputType(typeof(ClientKey))]
    public sealed class NewSaleschatClientKeyCommand : SaleschatCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        // Saleschat asks for RSA 2048 or 4096; 3072 would pass OpenSSL but not their requirement.
        [ValidateSet("2048", "4096")]
        public int KeySize { get; set; } = 2048;

        [Parameter]
        public SecureString Password { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            RunTerminating(() =>
            {
                PrivateKeyPem.ThrowIfEmpty(Password, "-Password");
                string path = ResolvePath(Path);
                if (path != null)
                {
                    // Fail before spending time on key generation.
                    if (!Force)
                    {
                        AtomicFileWriter.ThrowIfExists(path, ErrorIds.KeyFileExists);
                    }

                    if (!ShouldProcess(path, $"Create RSA {KeySize}-bit private key file (owner-only)"))
                    {
                        return;
                    }
                }

                WriteVerbose($"Generating an RSA {KeySize}-bit key with the platform generator.");
                ClientKey key = ClientKeyFactory.Create(KeySize, path, Password, Force);
                if (path != null)
                {
                    WriteVerbose($"Wrote {(Password != null ? "encrypted " : string.Empty)}PKCS#8 key to '{path}' (owner-only).");
                }

                WriteObject(key);
            });
        }
    }
}
