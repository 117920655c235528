using System.Text.Json;

namespace Saleschat.Emulator.Standalone;

/// <summary>
/// <c>dotnet Saleschat.Emulator.dll ...</c>: runs the emulator for scripts and manual checks with curl/openssl.
/// stdout carries exactly one JSON line (the addresses) so a parent process can read it; diagnostics go to stderr.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        CommandLine commandLine;
        try
        {
            commandLine = CommandLine.Parse(args);
        }
        catch (FormatException exception)
        {
            await Console.Error.WriteLineAsync($"{exception.Message}\n{CommandLine.Usage}").ConfigureAwait(false);
            return 2;
        }

        if (commandLine.ShowHelp)
        {
            await Console.Error.WriteLineAsync(CommandLine.Usage).ConfigureAwait(false);
            return 0;
        }

        using var shutdown = new ShutdownSignal(!commandLine.IgnoreStdin);
        await using var emulator = await SaleschatEmulator.StartAsync(commandLine.Options).ConfigureAwait(false);
        try
        {
            commandLine.Uploads.ForEach(path => emulator.Upload(File.ReadAllText(path)));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException
                                              or System.Security.Cryptography.CryptographicException)
        {
            await Console.Error.WriteLineAsync($"--upload: {exception.Message}").ConfigureAwait(false);
            return 2;
        }

        string? caPath = null;
        if (commandLine.CaOut is { } caOut)
        {
            caPath = Path.GetFullPath(caOut);
            await File.WriteAllTextAsync(caPath, emulator.CaPem).ConfigureAwait(false);
        }

        var line = JsonSerializer.Serialize(new { baseUri = emulator.BaseUri, controlUri = emulator.ControlUri, caPem = caPath });
        await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);

        await shutdown.WaitAsync().ConfigureAwait(false);
        return 0;
    }
}
