using System.Diagnostics;

namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>Runs the real openssl, a third-party peer, to prove interoperability.</summary>
public static class OpenSsl
{
    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("openssl " + string.Join(' ', args));
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public static string Ok(string workingDirectory, params string[] args)
    {
        var (code, output) = Run(workingDirectory, args);
        if (code != 0) throw new Xunit.Sdk.XunitException($"openssl {string.Join(' ', args)} failed ({code}):\n{output}");
        return output;
    }
}
