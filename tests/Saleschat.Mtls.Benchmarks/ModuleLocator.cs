namespace Saleschat.Mtls.Benchmarks;

/// <summary>Finds the built module folder (out/Saleschat.Mtls) the way a user would point Import-Module at it.</summary>
public static class ModuleLocator
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Saleschat.Pwsh.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Saleschat.Pwsh.sln) above " + AppContext.BaseDirectory);
    }

    public static string ManifestPath() =>
        Environment.GetEnvironmentVariable("SALESCHAT_MTLS_MODULE")
        ?? Path.Combine(RepositoryRoot(), "out", "Saleschat.Mtls", "Saleschat.Mtls.psd1");
}
