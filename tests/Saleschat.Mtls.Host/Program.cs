using Saleschat.Mtls.Host;

// Usage: Saleschat.Mtls.Host <script.ps1> [name=value ...]
// Runs the script in the real PowerShell engine with the built module imported; output goes through
// Out-Default, so format views render as in a console. Exit code: the script's `exit N`, else 1 on errors.
if (args.Length < 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: Saleschat.Mtls.Host <script.ps1> [name=value ...]");
    return 2;
}

var host = new TextHost(Console.Out);
using var runner = new ScriptRunner(host);
foreach (string pair in args.Skip(1))
{
    int eq = pair.IndexOf('=');
    if (eq > 0)
    {
        runner.SetVariable(pair[..eq], pair[(eq + 1)..]);
    }
}

string script = Path.GetFullPath(args[0]);
ScriptResult result = runner.Run($"& '{script.Replace("'", "''")}' | Out-Default");
foreach (var error in result.Errors)
{
    Console.Error.WriteLine($"ERROR {error.FullyQualifiedErrorId}: {error}");
}

return host.ExitCode ?? (result.Errors.Count > 0 ? 1 : 0);
