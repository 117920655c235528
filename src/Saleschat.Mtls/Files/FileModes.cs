namespace Saleschat.Mtls.Files
{
    /// <summary>
    /// The Unix mode a written file ends with, set exactly so the umask cannot change it: under umask 000 a
    /// certificate would otherwise be 0666 (anyone could swap it), under umask 077 0600.
    /// </summary>
    public static class FileModes
    {
        /// <summary>0644: certificates and exported PEM, meant to be read by anyone.</summary>
        public const int Public = 0x1A4;

        /// <summary>0600: private keys, PFX files, rotation journals.</summary>
        public const int OwnerOnly = 0x180;

        private const int PermissionBits = 0x1FF; // 0777: never carry setuid, setgid or sticky over
        private const int OwnerBits = 0x1C0;      // 0700
        private const int OwnerRead = 0x100;      // 0400
        private const int GroupAndOtherWrite = 0x12; // 0022: anyone who could write a public file could swap it

        /// <param name="ownerOnly">The file holds a secret.</param>
        /// <param name="existing">The mode of the file being replaced (-Force), or null for a new file.</param>
        /// <returns>
        /// A new file: 0644 or 0600. A replaced file keeps its mode (a user's chmod survives -Force), except that
        /// a public file never keeps group or other write (a 0666 certificate becomes 0644), and a secret never
        /// becomes readable by others and always stays readable by its owner.
        /// </returns>
        public static int For(bool ownerOnly, int? existing)
        {
            if (existing == null)
            {
                return ownerOnly ? OwnerOnly : Public;
            }

            int kept = existing.Value & PermissionBits;
            if (!ownerOnly)
            {
                return kept & ~GroupAndOtherWrite;
            }

            kept &= OwnerBits;
            return (kept & OwnerRead) != 0 ? kept : OwnerOnly;
        }
    }
}
