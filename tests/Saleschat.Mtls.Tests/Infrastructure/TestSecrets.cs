using System.Security;

namespace Saleschat.Mtls.Tests.Infrastructure;

public static class TestSecrets
{
    public static SecureString Secure(string text)
    {
        var s = new SecureString();
        foreach (char c in text) s.AppendChar(c);
        s.MakeReadOnly();
        return s;
    }

    /// <summary>Whether a private key or its base64 body leaked into text.</summary>
    public static bool ContainsKeyMaterial(string text, string keyPem)
    {
        if (text.Contains("PRIVATE KEY-----")) return true;
        string[] lines = keyPem.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Where(l => !l.StartsWith("-----")).Any(line => line.Length >= 32 && text.Contains(line));
    }
}
