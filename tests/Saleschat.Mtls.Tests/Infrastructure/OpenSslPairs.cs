namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>Keys and certificates made exactly as Saleschat's documentation tells people to make them.</summary>
public static class OpenSslPairs
{
    public const string DocumentedSubject = "/C=IN/ST=Maharashtra/L=Mumbai/O=Acme/OU=Technology/CN=Acme-saleschat-mtls";

    /// <summary>`openssl genrsa -out k 2048` (OpenSSL 3 writes PKCS#8), chmod 600.</summary>
    public static string Key(TempFolder dir, string name = "client.key", int bits = 2048, params string[] extra)
    {
        string path = dir.File(name);
        OpenSsl.Ok(dir.Path, ["genrsa", .. extra, "-out", path, bits.ToString()]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    /// <summary>The documented `openssl req -x509 -new -key … -days 365 -sha256 -subj …`.</summary>
    public static string Certificate(TempFolder dir, string keyPath, string name = "client.crt", string digest = "-sha256", string? passin = null)
    {
        string path = dir.File(name);
        var args = new List<string> { "req", "-x509", "-new", "-key", keyPath, "-out", path, "-days", "365", digest, "-subj", DocumentedSubject };
        if (passin != null) args.AddRange(["-passin", "pass:" + passin]);
        OpenSsl.Ok(dir.Path, [.. args]);
        return path;
    }
}
