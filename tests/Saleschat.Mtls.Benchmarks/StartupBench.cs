using System.Diagnostics;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// A fresh process to the first successful hello, wall clock, against nginx over HTTP/2:
/// <c>pwsh -NoProfile -c exit</c>, one curl hello, and <c>pwsh -NoProfile -c 'Import-Module …; New-SaleschatSession …;
/// Test-SaleschatMtls -Quiet'</c>, interleaved round by round.
/// </summary>
public sealed class StartupBench(BenchContext context, BenchOptions options, Report report)
{
    public void Run(Action<string> progress)
    {
        BenchServer server = context.Server("nginx-h2");
        BenchRow exit = report.Row("pwsh-exit", "startup", "pwsh -NoProfile -c exit, wall", "ms");
        BenchRow curl = report.Row("curl-hello", "startup", "one curl hello (nginx, HTTP/2), wall", "ms");
        BenchRow module = report.Row("pwsh-module-hello", "startup", "pwsh -NoProfile -c 'Import-Module; New-SaleschatSession; Test-SaleschatMtls -Quiet' (nginx, HTTP/2), wall", "ms");
        string command = "$ErrorActionPreference = 'Stop'; " +
            $"Import-Module '{context.Module}'; " +
            $"$null = New-SaleschatSession -BaseUri '{server.BaseUri}' -CertificatePath '{context.CertificatePath}' -KeyPath '{context.KeyPath}' -ServerCertificateAuthority '{server.CaPath}'; " +
            "if (-not (Test-SaleschatMtls -Quiet)) { exit 1 }";
        string hello = new Uri(server.BaseUri, "v4/orgs/org-1/mtls/hello").AbsoluteUri;
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
        };
        Rounds.Interleave(options.Rounds, contenders, progress);
    }
}
