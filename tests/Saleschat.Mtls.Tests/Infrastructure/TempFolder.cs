namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>A fresh folder per test, removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("saleschat-mtls-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Files in the folder, to prove nothing (no temporary file) was left behind.</summary>
    public string[] Names() => Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).OrderBy(n => n).ToArray()!;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
