using System.Diagnostics;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// A fresh process to the first successful hello, wall clock, against nginx over HTTP/2:
/// <c>pwsh -NoProfile -c exit</c>, one curl hello, <c>pwsh -NoProfile -c 'Import-Module …; New-SaleschatSession …;
/// Test-SaleschatMtls -Quiet'</c>, and the floor for it: the same fresh pwsh making the raw HttpClient from the PEM files
/// and getting one hello with it. Interleaved round by round.
/// </summary>
public sealed class StartupBench(BenchContext context, BenchOptions options, Report report)
{
    public void Run(Action<string> progress)
    {
        BenchServer server = context.Server("nginx-h2");
        BenchRow exit = report.Row("pwsh-exit", "startup", "pwsh -NoProfile -c exit, wall", "ms");
        BenchRow curl = report.Row("curl-hello", "startup", "one curl hello (nginx, HTTP/2), wall", "ms");
        BenchRow module = report.Row("pwsh-module-hello", "startup", "pwsh -NoProfile -c 'Import-Module; New-SaleschatSession; Test-SaleschatMtls -Quiet' (nginx, HTTP/2), wall", "ms");
        BenchRow raw = report.Row("pwsh-raw-hello", "startup", "pwsh -NoProfile -c with the raw HttpClient instead: load it, client from the PEM files, one hello GET (nginx, HTTP/2), wall (the floor)", "ms");
        string command = "$ErrorActionPreference = 'Stop'; " +
            $"Import-Module '{context.Module}'; " +
            $"$null = New-SaleschatSession -BaseUri '{server.BaseUri}' -CertificatePath '{context.CertificatePath}' -KeyPath '{context.KeyPath}' -ServerCertificateAuthority '{server.CaPath}'; " +
            "if (-not (Test-SaleschatMtls -Quiet)) { exit 1 }";
        string hello = new Uri(server.BaseUri, "v4/orgs/org-1/mtls/hello").AbsoluteUri;
        string rawCommand = "$ErrorActionPreference = 'Stop'; " +
            $"Import-Module '{context.FloorAssembly}'; " +
            $"$client = [Saleschat.Mtls.Benchmarks.Floor]::NewClient('{context.CertificatePath}', '{context.KeyPath}', '{server.CaPath}', 'h2'); " +
            $"if ([Saleschat.Mtls.Benchmarks.Floor]::GetText($client, '{hello}') -ne 'Hello, world!') {{ exit 1 }}";
        var contenders = new List<(string, Action)>
        {
            ("pwsh -c exit", () => exit.Add(context.Pwsh.TimeCommand("exit", context.Environment))),
            ("curl hello", () =>
            {
                var watch = Stopwatch.StartNew();
                string body = Processes.Run("curl", ["--silent", "--show-error", "--fail", "--cert", context.CertificatePath, "--key", context.KeyPath, "--cacert", server.CaPath, hello], TimeSpan.FromSeconds(30));
                curl.Add(watch.Elapsed.TotalMilliseconds);
                if (body != "Hello, world!")
                {
                    throw new InvalidOperationException($"curl hello answered '{body}'.");
                }
            }),
            ("pwsh module hello", () => module.Add(context.Pwsh.TimeCommand(command, context.Environment))),
            ("pwsh raw hello", () => raw.Add(context.Pwsh.TimeCommand(rawCommand, context.Environment))),
        };
        Rounds.Interleave(options.Rounds, contenders, progress);
    }
}
