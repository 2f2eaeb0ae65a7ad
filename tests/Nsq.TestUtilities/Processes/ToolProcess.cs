using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Nsq.TestUtilities.Processes;

/// <summary>
/// The built <c>nsq</c> tool (Tools/NsqAspire.Tools) as a child process, driven as an operator would: arguments, lines
/// on stdin, stdout and stderr read as they come, Ctrl+C (SIGINT) for the graceful stop, the exit code.
/// </summary>
public sealed class ToolProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ToolProcess(Process process) => _process = process;

    /// <summary>The built tool's dll (the same configuration as the tests).</summary>
    public static string ToolDll => RepositoryPaths.BuiltDaemon("Tools", "NsqAspire.Tools");

    public int Id => _process.Id;

    /// <summary>Every stdout line so far, in order.</summary>
    public IReadOnlyList<string> Output => [.. _stdout];

    /// <summary>Every stderr line so far, in order.</summary>
    public IReadOnlyList<string> Errors => [.. _stderr];

    /// <summary>Starts <c>nsq <paramref name="args"/></c> in <paramref name="workingDirectory"/> (the current one by default).</summary>
    public static ToolProcess Start(IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        psi.ArgumentList.Add(ToolDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var tool = new ToolProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) tool._stdoutClosed.TrySetResult();
            else tool._stdout.Enqueue(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) tool._stderr.Enqueue(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tool;
    }

    /// <summary>Runs <c>nsq <paramref name="args"/></c> with <paramref name="stdin"/> to completion.</summary>
    public static async Task<ToolProcess> RunAsync(IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null,
        string? workingDirectory = null)
    {
        var tool = Start(args, workingDirectory);
        if (stdin is not null) await tool.WriteAsync(stdin);
        tool.CloseInput();
        await tool.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return tool;
    }

    public async Task WriteAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        await _process.StandardInput.FlushAsync();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Ctrl+C: SIGINT to the tool (a graceful stop).</summary>
    public async Task InterruptAsync()
    {
        var pid = _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", pid]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits until stdout has at least <paramref name="count"/> lines.</summary>
    public Task WaitForOutputAsync(int count, TimeSpan timeout) =>
        Poll.UntilAsync(() => Task.FromResult(_stdout.Count >= count || _process.HasExited && _stdoutClosed.Task.IsCompleted),
            () => Task.FromResult($"{count} stdout lines from nsq (have {_stdout.Count}; stderr: {string.Join(" | ", _stderr)})"), timeout);

    /// <summary>Waits for the exit (and the last of its output); returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await _stdoutClosed.Task.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"nsq did not exit within {timeout} (stdout lines: {_stdout.Count}; stderr: {string.Join(" | ", _stderr)})");
        }
        return _process.ExitCode;
    }

    public int ExitCode => _process.ExitCode;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }
        }
        _process.Dispose();
    }
}
