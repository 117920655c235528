using System.Security;
using Saleschat.Emulator;
using Saleschat.Mtls.Host;

// Usage: Saleschat.Mtls.Host <script.ps1> [--emulator] [-Name value ...]
// Runs the script in the real PowerShell engine with the built module imported (for machines without
// pwsh); output goes through Out-Default, so format views render as in a console. --emulator starts a
// local Saleschat mTLS emulator and passes it to the script as -Emulator (with -ApiKey to match).
// Exit code: the script's `exit N`, else 1 when it wrote errors.
if (args.Length < 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: Saleschat.Mtls.Host <script.ps1> [--emulator] [-Name value ...]");
    return 2;
}

var parameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
bool withEmulator = false;
for (int i = 1; i < args.Length; i++)
{
    if (args[i] == "--emulator")
    {
        withEmulator = true;
    }
    else if (args[i].StartsWith('-') && i + 1 < args.Length)
    {
        parameters[args[i].TrimStart('-')] = args[++i];
    }
}

SaleschatEmulator? emulator = null;
if (withEmulator)
{
    var options = new EmulatorOptions { ApiKey = "sk_demo_" + Guid.NewGuid().ToString("N") };
    emulator = await SaleschatEmulator.StartAsync(options);
    parameters["Emulator"] = emulator;
    parameters["ApiKey"] = ToSecureString(options.ApiKey);
}

try
{
    var host = new TextHost(Console.Out, plainText: Console.IsOutputRedirected);
    using var runner = new ScriptRunner(host);
    ScriptResult result = runner.RunFile(Path.GetFullPath(args[0]), parameters);
    foreach (var error in result.Errors)
    {
        Console.Error.WriteLine($"ERROR {error.FullyQualifiedErrorId}: {error}");
    }

    return host.ExitCode ?? (result.Errors.Count > 0 ? 1 : 0);
}
finally
{
    if (emulator != null)
    {
        await emulator.DisposeAsync();
    }
}

static SecureString ToSecureString(string text)
{
    var secure = new SecureString();
    foreach (char c in text) secure.AppendChar(c);
    secure.MakeReadOnly();
    return secure;
}
