namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// A certificate signing request as New-SaleschatCertificateRequest returns it: public data only (the subject, the
    /// public key's SHA-256 and the PEM to send to the CA), so it can be shown, logged and piped anywhere.
    /// </summary>
    public sealed class CertificateSigningRequest
    {
        internal CertificateSigningRequest(string path, string subject, int keySize, string publicKeySha256, string pem)
        {
            Path = path;
            Subject = subject;
            KeySize = keySize;
            PublicKeySha256 = publicKeySha256;
            Pem = pem;
        }

        /// <summary>Full path of the .csr file, or null when none was written.</summary>
        public string Path { get; }

        /// <summary>The requested subject, as OpenSSL prints it (/C=…/O=…/CN=…).</summary>
        public string Subject { get; }

        public int KeySize { get; }

        /// <summary>SHA-256 of the public key (SubjectPublicKeyInfo DER), lowercase hex: the same as the key's own.</summary>
        public string PublicKeySha256 { get; }

        /// <summary>The PEM text (-----BEGIN CERTIFICATE REQUEST-----) to give the CA.</summary>
        public string Pem { get; }

        public override string ToString() => $"CSR {Subject} RSA {KeySize} SHA256:{PublicKeySha256}";
    }
}
