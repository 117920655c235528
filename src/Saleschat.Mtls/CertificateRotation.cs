using System.Security.Cryptography.X509Certificates;
using Saleschat.Mtls.Rotation;

namespace Saleschat.Mtls
{
    /// <summary>A certificate rotation, as Start- and Complete-SaleschatCertificateRotation report it.</summary>
    public sealed class CertificateRotation
    {
        internal CertificateRotation(RotationState state, RotationPaths paths, X509Certificate2 current, X509Certificate2 next, string pem, string nextStep)
        {
            State = state;
            CurrentCertificate = current;
            NextCertificate = next;
            CertificatePath = paths.CertificatePath;
            KeyPath = paths.KeyPath;
            NextCertificatePath = paths.NextCertificatePath;
            NextKeyPath = paths.NextKeyPath;
            PreviousCertificatePath = paths.PreviousCertificatePath;
            PreviousKeyPath = paths.PreviousKeyPath;
            Pem = pem;
            NextStep = nextStep;
        }

        public RotationState State { get; }

        /// <summary>The certificate in use at CertificatePath (after completion: the new one).</summary>
        public X509Certificate2 CurrentCertificate { get; }

        /// <summary>The certificate to upload (pending) or just promoted (completed).</summary>
        public X509Certificate2 NextCertificate { get; }

        public string CertificatePath { get; }

        public string KeyPath { get; }

        public string NextCertificatePath { get; }

        public string NextKeyPath { get; }

        public string PreviousCertificatePath { get; }

        public string PreviousKeyPath { get; }

        /// <summary>The public PEM of the next certificate: what to upload or paste in Settings > mTLS.</summary>
        public string Pem { get; }

        /// <summary>What a person should do now.</summary>
        public string NextStep { get; }

        public override string ToString() => $"{State}: {NextStep}";
    }
}
