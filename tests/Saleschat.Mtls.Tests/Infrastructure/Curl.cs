namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>The real curl, a third-party client, run the way Saleschat's documentation runs it.</summary>
public static class Curl
{
    /// <summary>Runs curl quietly (errors still shown), failing on HTTP errors, bounded in time, never through a proxy.</summary>
    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] args) =>
        ExternalProcess.Run("curl", workingDirectory, TimeSpan.FromSeconds(30),
            ["--silent", "--show-error", "--fail", "--max-time", "20", "--noproxy", "*", .. args]);
}
