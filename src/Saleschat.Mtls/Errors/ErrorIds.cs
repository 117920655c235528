namespace Saleschat.Mtls.Errors
{
    /// <summary>Every FullyQualifiedErrorId prefix the module emits, in one place so they stay stable.</summary>
    public static class ErrorIds
    {
        // Files
        public const string KeyFileExists = nameof(KeyFileExists);
        public const string CertificateFileExists = nameof(CertificateFileExists);
        public const string OutputFileExists = nameof(OutputFileExists);
        public const string FileWriteFailed = nameof(FileWriteFailed);
        public const string DirectoryNotFound = nameof(DirectoryNotFound);
        public const string OwnerOnlyAclNotApplied = nameof(OwnerOnlyAclNotApplied);
        public const string InvalidPath = nameof(InvalidPath);
        public const string NotARegularFile = nameof(NotARegularFile);
        public const string FileTooLarge = nameof(FileTooLarge);
        public const string WouldReplacePrivateKey = nameof(WouldReplacePrivateKey);
        public const string WouldReplaceCertificate = nameof(WouldReplaceCertificate);

        // Keys
        public const string InvalidKeySize = nameof(InvalidKeySize);
        public const string KeyGenerationFailed = nameof(KeyGenerationFailed);
        public const string KeyFileNotFound = nameof(KeyFileNotFound);
        public const string InvalidKeyPem = nameof(InvalidKeyPem);
        public const string KeyPasswordRequired = nameof(KeyPasswordRequired);
        public const string WrongKeyPassword = nameof(WrongKeyPassword);
        public const string UnsupportedKeyType = nameof(UnsupportedKeyType);
        public const string KeyTooSmall = nameof(KeyTooSmall);
        public const string KeyRequired = nameof(KeyRequired);
        public const string EmptyPassword = nameof(EmptyPassword);
        public const string UnprotectedKeyFile = nameof(UnprotectedKeyFile);

        // Certificates
        public const string CertificateFileNotFound = nameof(CertificateFileNotFound);
        public const string InvalidCertificatePem = nameof(InvalidCertificatePem);
        public const string InvalidPfx = nameof(InvalidPfx);
        public const string CertificateKeyMismatch = nameof(CertificateKeyMismatch);
        public const string CertificateNotFoundInStore = nameof(CertificateNotFoundInStore);
        public const string CertificateExpired = nameof(CertificateExpired);
        public const string CertificateHasNoPrivateKey = nameof(CertificateHasNoPrivateKey);
        public const string InvalidSubject = nameof(InvalidSubject);
        public const string InvalidValidityDays = nameof(InvalidValidityDays);
        public const string PfxPasswordRequired = nameof(PfxPasswordRequired);
        public const string KeyStoreUnavailable = nameof(KeyStoreUnavailable);
        public const string ChainDoesNotMatchCertificate = nameof(ChainDoesNotMatchCertificate);
        public const string ChainFileNotFound = nameof(ChainFileNotFound);

        // Sessions and calls
        public const string AuthorizationHeaderNotAllowed = nameof(AuthorizationHeaderNotAllowed);
        public const string HostHeaderNotAllowed = nameof(HostHeaderNotAllowed);
        public const string ClientCertificateRequired = nameof(ClientCertificateRequired);
        public const string ConnectionClosed = nameof(ConnectionClosed);
        public const string ConnectionRefused = nameof(ConnectionRefused);
        public const string DnsResolutionFailed = nameof(DnsResolutionFailed);
        public const string ForeignHostRefused = nameof(ForeignHostRefused);
        public const string InvalidApiPath = nameof(InvalidApiPath);
        public const string InvalidBaseUri = nameof(InvalidBaseUri);
        public const string InvalidSessionSetting = nameof(InvalidSessionSetting);
        public const string NetworkError = nameof(NetworkError);
        public const string NoSaleschatSession = nameof(NoSaleschatSession);
        public const string OrgIdRequired = nameof(OrgIdRequired);
        public const string InvalidOrgId = nameof(InvalidOrgId);
        public const string RequestTimedOut = nameof(RequestTimedOut);
        public const string SaleschatApiError = nameof(SaleschatApiError);
        public const string ServerCertificateUntrusted = nameof(ServerCertificateUntrusted);
        public const string ServerRefusedClientCertificate = nameof(ServerRefusedClientCertificate);
        public const string ApiKeyRejected = nameof(ApiKeyRejected);
        public const string ServerNameMismatch = nameof(ServerNameMismatch);
        public const string ClientKeyUnusable = nameof(ClientKeyUnusable);
        public const string InvalidHeader = nameof(InvalidHeader);
        public const string InvalidApiKey = nameof(InvalidApiKey);
        public const string ResponseTooLarge = nameof(ResponseTooLarge);
        public const string SessionClosed = nameof(SessionClosed);
        public const string ClientChainIncomplete = nameof(ClientChainIncomplete);

        // Proxies
        public const string InvalidProxySetting = nameof(InvalidProxySetting);
        public const string ProxyAuthenticationRequired = nameof(ProxyAuthenticationRequired);
        public const string ProxyRefused = nameof(ProxyRefused);
        public const string ProxyUnreachable = nameof(ProxyUnreachable);
        public const string TlsInspectedByProxy = nameof(TlsInspectedByProxy);

        // Rotation
        public const string NextCertificateNotAccepted = nameof(NextCertificateNotAccepted);
        public const string NoPendingRotation = nameof(NoPendingRotation);
        public const string RotationInProgress = nameof(RotationInProgress);
        public const string RotationJournalDamaged = nameof(RotationJournalDamaged);
        public const string RotationStateInconsistent = nameof(RotationStateInconsistent);
        public const string UntrustedRotationFile = nameof(UntrustedRotationFile);
        public const string CombinedPemNotRotatable = nameof(CombinedPemNotRotatable);

        // Other
        public const string BodyTooDeep = nameof(BodyTooDeep);
        public const string FileReadFailed = nameof(FileReadFailed);
        public const string InvalidThumbprint = nameof(InvalidThumbprint);
        public const string KeyNotExportable = nameof(KeyNotExportable);
        public const string PfxPathRequired = nameof(PfxPathRequired);
        public const string PlatformOperationFailed = nameof(PlatformOperationFailed);
        public const string DotNetFrameworkTooOld = nameof(DotNetFrameworkTooOld);
    }
}
