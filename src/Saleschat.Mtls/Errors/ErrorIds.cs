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
    }
}
