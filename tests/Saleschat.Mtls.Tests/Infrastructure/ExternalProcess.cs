using System.Diagnostics;
using System.Text;

namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>
/// A third-party program (curl, openssl s_server) run as a peer. Output is collected as it comes, so a server
/// that keeps running can still be read; <see cref="Dispose"/> kills the whole process tree if it is still alive.
/// </summary>
public sealed class ExternalProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExternalProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ExternalProcess Start(string fileName, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        var process = new Process { StartInfo = start };
        var started = new ExternalProcess(process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Runs a program to its end, bounded in time; the exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Run(string fileName, string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var process = Start(fileName, workingDirectory, args);
        process._process.StandardInput.Close();
        if (!process._process.WaitForExit(timeout))
        {
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeout}:\n{process.Output}");
        }

        process._process.WaitForExit(); // flushes the asynchronous output readers
        return (process.ExitCode, process.Output);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended between the check and the kill.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line == null) return;
        lock (_output) _output.AppendLine(line);
    }
}
