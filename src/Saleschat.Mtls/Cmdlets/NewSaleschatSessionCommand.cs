using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using System.Security;
using System;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Http.Transport;
using Saleschat.Mtls.Secrets;
using Saleschat.Mtls.Sessions;

namespace Saleschat.Mtls.Cmdlets
{
    [Cmdlet(VerbsCommon.New, "SaleschatSession", DefaultParameterSetName = PemSet)]
    [OutputType(typeof(SaleschatSession))]
    public sealed class NewSaleschatSessionCommand : SaleschatCmdlet
    {
        public const string ApiKeyVariable = "SALESCHAT_API_KEY";
        public const string OrgIdVariable = "SALESCHAT_ORG_ID";
        public const string CertificateVariable = "SALESCHAT_CLIENT_CERT";
        public const string KeyVariable = "SALESCHAT_CLIENT_KEY";

        private const string CertificateSet = "Certificate";
        private const string FilesSet = "Files";
        private const string PemSet = "Pem";
        private const string ThumbprintSet = "Thumbprint";

        [Parameter]
        public SaleschatEnvironment Environment { get; set; } = SaleschatEnvironment.Production;

        [Parameter]
        [ValidateNotNull]
        public Uri BaseUri { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string OrgId { get; set; }

        [Parameter]
        public SecureString ApiKey { get; set; }

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = CertificateSet)]
        [Alias("Cert")]
        [ValidateNotNull]
        public X509Certificate2 Certificate { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = FilesSet)]
        [ValidateNotNullOrEmpty]
        public string CertificatePath { get; set; }

        // Optional: without it the certificate file must hold the key too (a combined PEM or a PFX); never prompted for.
        [Parameter(ParameterSetName = FilesSet)]
        [ValidateNotNullOrEmpty]
        public string KeyPath { get; set; }

        [Parameter(ParameterSetName = FilesSet)]
        [Parameter(ParameterSetName = PemSet)]
        public SecureString KeyPassword { get; set; }

        // The CA certificates that issued the client certificate, when the CA returned them in their own file.
        [Parameter(ParameterSetName = FilesSet)]
        [ValidateNotNullOrEmpty]
        public string ChainPath { get; set; }

        // Windows PowerShell 5.1 only: SChannel sends only the intermediates it finds in a store (ClientChainStore).
        [Parameter]
        public SwitchParameter AddIntermediatesToStore { get; set; }

        [Parameter(ParameterSetName = PemSet)]
        [ValidateNotNullOrEmpty]
        public string CertificatePem { get; set; }

        [Parameter(ParameterSetName = PemSet)]
        [ValidateNotNullOrEmpty]
        public object KeyPem { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
        [Alias("Thumbprint")]
        [ArgumentCompleter(typeof(Completion.ThumbprintCompleter))]
        [ValidateNotNullOrEmpty]
        public string CertificateThumbprint { get; set; }

        [Parameter(ParameterSetName = ThumbprintSet)]
        public StoreLocation StoreLocation { get; set; } = StoreLocation.CurrentUser;

        [Parameter]
        [ValidateNotNull]
        [CertificateFromPath]
        public X509Certificate2 ServerCertificateAuthority { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 100;

        [Parameter]
        [ValidateRange(0, 100)]
        public int MaximumRetryCount { get; set; } = 3;

        [Parameter]
        [ValidateRange(0, 600)]
        public int RetryIntervalSec { get; set; } = 1;

        [Parameter]
        [ValidateRange(0, 3650)]
        public int ExpiryWarningDays { get; set; } = 30;

        [Parameter]
        public SwitchParameter NoDefault { get; set; }

        // Invoke-RestMethod's proxy parameters, with its meanings (see Proxies.ProxySettings and ProxyRoute).
        [Parameter]
        [ValidateNotNull]
        public Uri Proxy { get; set; }

        [Parameter]
        [ValidateNotNull]
        public PSCredential ProxyCredential { get; set; }

        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        [Parameter]
        public SwitchParameter NoProxy { get; set; }

        protected override void ProcessRecord()
        {
            RunTerminating(() =>
            {
                var settings = new SessionSettings
                {
                    Environment = Environment,
                    BaseUri = BaseUri,
                    OrgId = OrgId ?? EnvironmentVariable(OrgIdVariable),
                    ApiKey = ApiKey ?? ApiKeyFromEnvironment(),
                    Certificate = LoadCertificate(),
                    ServerCertificateAuthority = ServerCertificateAuthority,
                    TimeoutSec = TimeoutSec,
                    MaximumRetryCount = MaximumRetryCount,
                    RetryIntervalSec = RetryIntervalSec,
                    ExpiryWarningDays = ExpiryWarningDays,
                    UserAgent = Http.Transport.UserAgent.For(PowerShellVersion()),
                    Proxy = Proxies.ProxySettings.Create(Proxy, ProxyCredential?.GetNetworkCredential(), ProxyUseDefaultCredentials, NoProxy),
                };

                // A certificate loaded here (files, PEM, the store) belongs to the session, which disposes it when it is
                // closed (and at once if it cannot be made); a piped -Certificate stays the caller's.
                SaleschatSession session = SaleschatSession.Create(RequireOrgId(settings), ownsCertificate: ParameterSetName != CertificateSet);
                if (ParameterSetName == FilesSet && KeyPath != null)
                {
                    // A pair of files can be promoted by another process (a scheduled maintenance run): follow it.
                    session.FollowFiles(ResolvePath(CertificatePath), ResolvePath(KeyPath), KeyPassword, ResolvePath(ChainPath));
                }
                WarnAboutExpiry(session);
                WarnAboutChain(session.Certificate);
                SendChainFromStore(session.Certificate);
                if (!session.HasApiKey)
                {
                    WriteVerbose($"No API key given (-ApiKey or {ApiKeyVariable}): only Test-SaleschatMtls will work.");
                }

                if (!NoDefault)
                {
                    DefaultSession.Current = session;
                }

                WriteVerbose($"Session for {session.Environment} {session.BaseUri}, org {session.OrgId ?? "(none)"}, certificate {session.Thumbprint}, proxy: {session.Proxy}.");
                WriteObject(session);
            });
        }

        private X509Certificate2 LoadCertificate()
        {
            switch (ParameterSetName)
            {
                case CertificateSet:
                    return Certificate;
                case FilesSet:
                    X509Certificate2 loaded = LoadFromFiles(ResolvePath(CertificatePath), ResolvePath(KeyPath), KeyPassword, ResolvePath(ChainPath));
                    if (KeyPath == null && !loaded.HasPrivateKey)
                    {
                        throw new Errors.SaleschatException(Errors.ErrorIds.CertificateHasNoPrivateKey, Errors.ErrorKind.InvalidArgument,
                            $"'{CertificatePath}' holds a certificate but no private key. Pass its key with -KeyPath, or give a PEM file that holds both the certificate and the key (or a PFX).",
                            CertificatePath);
                    }

                    return loaded;
                case ThumbprintSet:
                    return ClientCertificateReader.FromStore(CertificateThumbprint, StoreLocation);
                default:
                    // CI: the certificate and key arrive as PEM (or base64 of PEM) in environment variables.
                    string certificatePem = CertificatePem ?? EnvironmentVariable(CertificateVariable);
                    if (certificatePem == null)
                    {
                        return null; // SaleschatSession.Create explains every way to give one.
                    }

                    return WithKeyPem(KeyPem ?? EnvironmentVariable(KeyVariable), key => ClientCertificateReader.FromPem(certificatePem, key, KeyPassword));
            }
        }

        /// <summary>
        /// Where the runtime cannot send a chain from memory (Windows PowerShell 5.1), says so, and with
        /// -AddIntermediatesToStore puts the intermediates where SChannel looks for them.
        /// </summary>
        private void SendChainFromStore(X509Certificate2 certificate)
        {
            X509Certificate2[] issuers = ClientChains.Of(certificate);
            if (issuers.Length == 0 || ClientChainSender.SendsFromMemory)
            {
                if (AddIntermediatesToStore)
                {
                    WriteVerbose("-AddIntermediatesToStore changed nothing: this PowerShell sends the chain read with the certificate from memory.");
                }

                return;
            }

            if (!AddIntermediatesToStore)
            {
                WriteWarning(ClientChainStore.Advice(issuers));
                return;
            }

            foreach (X509Certificate2 added in ClientChainStore.AddIntermediates(issuers))
            {
                WriteVerbose($"Added the intermediate CA '{added.Subject}' ({added.Thumbprint}) to CurrentUser\\Intermediate Certification Authorities.");
            }
        }

        /// <summary>
        /// Every Saleschat path is org-scoped (the hello call too), so a session without an org id can only fail
        /// later, far from the cause (an unmapped CI variable): say so here. A missing certificate is named first
        /// (by SaleschatSession.Create, with every way to give one), as before.
        /// </summary>
        private SessionSettings RequireOrgId(SessionSettings settings)
        {
            if (settings.OrgId == null && settings.Certificate != null)
            {
                throw new Errors.SaleschatException(Errors.ErrorIds.OrgIdRequired, Errors.ErrorKind.InvalidArgument,
                    $"No org id: give -OrgId, or set the {OrgIdVariable} environment variable (in CI, map it into the step's env). It is your org id, as shown in the Saleschat web app.",
                    OrgIdVariable);
            }

            return settings;
        }

        /// <summary>$PSVersionTable.PSVersion of the calling session (5.1.x in Windows PowerShell, 7.x in pwsh).</summary>
        private string PowerShellVersion() =>
            (GetVariableValue("PSVersionTable") as System.Collections.IDictionary)?["PSVersion"]?.ToString();

        private void WarnAboutExpiry(SaleschatSession session)
        {
            int days = session.DaysUntilExpiry;
            if (days < 0)
            {
                WriteWarning($"The client certificate {session.Thumbprint} expired on {session.NotAfter.ToUniversalTime():u}: Saleschat will refuse it. Rotate it (Start-SaleschatCertificateRotation).");
            }
            else if (days < session.ExpiryWarningDays)
            {
                WriteWarning($"The client certificate {session.Thumbprint} expires in {days} days ({session.NotAfter.ToUniversalTime():u}). Rotate it soon (Start-SaleschatCertificateRotation).");
            }
        }

        private static SecureString ApiKeyFromEnvironment()
        {
            string key = EnvironmentVariable(ApiKeyVariable);
            return key == null ? null : SecretText.FromPlainText(key);
        }

        private static string EnvironmentVariable(string name)
        {
            string value = System.Environment.GetEnvironmentVariable(name);
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }
    }
}
