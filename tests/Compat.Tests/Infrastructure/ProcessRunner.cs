using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Compat.Tests.Infrastructure;

/// <summary>Runs an external program with a timeout, capturing stdout and stderr; kills its process tree on timeout.</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, bool TimedOut);

    /// <summary>Null when <paramref name="fileName"/> cannot be started at all (not installed).</summary>
    public static async Task<Result?> RunAsync(string fileName, IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONUNBUFFERED"] = "1";
        psi.Environment["NO_UPDATE_NOTIFIER"] = "1";
        psi.Environment["npm_config_update_notifier"] = "false";

        using var p = new Process { StartInfo = psi };
        try
        {
            if (!p.Start()) return null;
        }
        catch (Win32Exception)
        {
            return null;
        }
        p.StandardInput.Close();
        // Whole streams, not lines: the output is compared byte for byte (a lone '\r' must stay inside its line).
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        var timedOut = false;
        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                await p.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await p.WaitForExitAsync();
            }
        }
        var o = await stdoutTask;
        var e = await stderrTask;
        return new Result(timedOut ? -1 : p.ExitCode, o, e, timedOut);
    }
}
