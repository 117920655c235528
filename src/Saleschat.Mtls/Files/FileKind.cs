namespace Saleschat.Mtls.Files
{
    /// <summary>What a path names, as far as reading it is concerned: only regular files hold keys and certificates.</summary>
    public enum FileKind
    {
        Regular,
        Directory,
        Fifo,
        CharacterDevice,
        BlockDevice,
        Socket,
        Other,
    }
}
