
namespace Saleschat.Mtls
{
    public enum RotationState
    {
        /// <summary>The next pair exists and waits for its upload in Settings > mTLS.</summary>
        Pending,

        /// <summary>The next pair was proven and promoted; the old pair is kept as previous.</summary>
        Completed,
    }
}
