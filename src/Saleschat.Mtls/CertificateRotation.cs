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
            // Once promoted, the next pair's files are gone (they became CertificatePath and KeyPath): naming them
            // would send a script to files that do not exist.
            bool pending = state == RotationState.Pending;
            NextCertificatePath = pending ? paths.NextCertificatePath : null;
            NextKeyPath = pending ? paths.NextKeyPath : null;
            PreviousCertificatePath = paths.PreviousCertificatePath;
            PreviousKeyPath = paths.PreviousKeyPath;
            RequestPath = next == null ? paths.NextRequestPath : null;
            Pem = pem;
            NextStep = nextStep;
        }

        public RotationState State { get; }

        /// <summary>The certificate in use at CertificatePath (after completion: the new one).</summary>
        public X509Certificate2 CurrentCertificate { get; }

        /// <summary>The certificate to upload (pending) or just promoted (completed); null while a CA has the CSR.</summary>
        public X509Certificate2 NextCertificate { get; }

        public string CertificatePath { get; }

        public string KeyPath { get; }

        /// <summary>The next certificate's file while the rotation is pending; null once it is completed.</summary>
        public string NextCertificatePath { get; }

        /// <summary>The next key's file while the rotation is pending; null once it is completed.</summary>
        public string NextKeyPath { get; }

        public string PreviousCertificatePath { get; }

        public string PreviousKeyPath { get; }

        /// <summary>The next key's CSR to send to the CA (a rotation started with -CertificateRequest), else null.</summary>
        public string RequestPath { get; }

        /// <summary>The public PEM of the next certificate: what to upload or paste in Settings > mTLS (with -CertificateRequest: the CSR).</summary>
        public string Pem { get; }

        /// <summary>What a person should do now.</summary>
        public string NextStep { get; }

        public override string ToString() => $"{State}: {NextStep}";
    }
}
