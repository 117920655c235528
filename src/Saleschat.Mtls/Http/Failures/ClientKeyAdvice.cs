namespace Saleschat.Mtls.Http.Failures
{
    /// <summary>What to do when Windows cannot use the client certificate's private key: one text for every path.</summary>
    internal static class ClientKeyAdvice
    {
        public const string Text =
            "For a LocalMachine store certificate, grant your account read access to its key (certlm.msc > the certificate > All Tasks > Manage Private Keys) or import the PFX into CurrentUser\\My; otherwise load the certificate from its files (-CertificatePath/-KeyPath) so the module imports the key itself.";
    }
}
