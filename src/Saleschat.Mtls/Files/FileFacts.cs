namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// What the file system says about one file (symbolic links followed): its kind, whether it belongs to
    /// the current user, and whether anyone else may read or write it. A null answer means the platform
    /// could not tell, and callers that vouch for a file treat it as "no".
    /// </summary>
    public sealed class FileFacts
    {
        public FileFacts(FileKind kind, long size, bool? ownedByCurrentUser, bool? readableByOthers, bool? writableByOthers,
            int? mode, string identity, string detail)
        {
            Kind = kind;
            Size = size;
            OwnedByCurrentUser = ownedByCurrentUser;
            ReadableByOthers = readableByOthers;
            WritableByOthers = writableByOthers;
            Mode = mode;
            Identity = identity;
            Detail = detail;
        }

        public FileKind Kind { get; }

        public long Size { get; }

        public bool? OwnedByCurrentUser { get; }

        public bool? ReadableByOthers { get; }

        public bool? WritableByOthers { get; }

        /// <summary>The Unix permission bits (0644, ...); null on Windows.</summary>
        public int? Mode { get; }

        /// <summary>Device and inode on Unix, so two opens of one path can be told apart; null where unknown.</summary>
        public string Identity { get; }

        /// <summary>What was found, for messages: "mode 0644, owner uid 1001", or the owner and trustees on Windows.</summary>
        public string Detail { get; }

        /// <summary>"a folder", "a FIFO (named pipe)", ...: for "'x' is {0}, not a file" messages.</summary>
        public static string Describe(FileKind kind)
        {
            switch (kind)
            {
                case FileKind.Directory: return "a folder";
                case FileKind.Fifo: return "a FIFO (named pipe)";
                case FileKind.CharacterDevice: return "a character device";
                case FileKind.BlockDevice: return "a block device";
                case FileKind.Socket: return "a socket";
                case FileKind.Regular: return "a regular file";
                default: return "not a regular file";
            }
        }
    }
}
