using System.IO;

namespace Saleschat.Mtls.Rotation
{
    /// <summary>
    /// Where the files of a rotation live, beside the current pair: client.crt/client.key have
    /// client.next.*, client.previous.* and the journal client.rotation.
    /// </summary>
    public sealed class RotationPaths
    {
        public RotationPaths(string certificatePath, string keyPath)
        {
            CertificatePath = certificatePath;
            KeyPath = keyPath;
            NextCertificatePath = WithTag(certificatePath, "next");
            NextKeyPath = WithTag(keyPath, "next");
            PreviousCertificatePath = WithTag(certificatePath, "previous");
            NextRequestPath = Path.Combine(Path.GetDirectoryName(certificatePath) ?? ".", Path.GetFileNameWithoutExtension(certificatePath) + ".next.csr");
            NextIssuedPath = Path.Combine(Path.GetDirectoryName(certificatePath) ?? ".", Path.GetFileNameWithoutExtension(certificatePath) + ".next.issued.pem");
            PreviousKeyPath = WithTag(keyPath, "previous");
            JournalPath = Path.Combine(Path.GetDirectoryName(certificatePath) ?? ".", Path.GetFileNameWithoutExtension(certificatePath) + ".rotation");
            LockPath = JournalPath + ".lock";
        }

        public string CertificatePath { get; }

        public string KeyPath { get; }

        public string NextCertificatePath { get; }

        public string NextKeyPath { get; }

        public string PreviousCertificatePath { get; }

        /// <summary>The next key's certificate signing request, when the next certificate comes from a CA (client.next.csr).</summary>
        public string NextRequestPath { get; }

        /// <summary>
        /// Where scheduled maintenance looks for the CA's reply to <see cref="NextRequestPath"/> (client.next.issued.pem:
        /// a full-chain PEM, a .p7b or the lone certificate) unless told another path.
        /// </summary>
        public string NextIssuedPath { get; }

        public string PreviousKeyPath { get; }

        /// <summary>Written before the first move of a completion, removed after the last.</summary>
        public string JournalPath { get; }

        /// <summary>Held (and present) only while a Start or Complete runs on this pair.</summary>
        public string LockPath { get; }

        private static string WithTag(string path, string tag) =>
            Path.Combine(Path.GetDirectoryName(path) ?? ".", Path.GetFileNameWithoutExtension(path) + "." + tag + Path.GetExtension(path));
    }
}
