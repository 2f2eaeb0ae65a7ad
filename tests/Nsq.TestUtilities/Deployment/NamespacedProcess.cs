using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Nsq.TestUtilities.Deployment;

/// <summary>
/// A process started through <c>unshare</c>/<c>nsenter</c>, with its output kept (the last lines, for failure messages)
/// and a way to find the process that really runs in the namespaces: nsenter forks when it enters a pid namespace, and
/// unshare --fork does too, so the interesting pid is a child of the one .NET started.
/// </summary>
internal sealed class NamespacedProcess : IDisposable
{
    private const int KeptLines = 300;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NamespacedProcess(Process process) => _process = process;

    public Process Process => _process;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <paramref name="command"/> with exactly <paramref name="environment"/> (null: this process's) and keeps
    /// stdin open: a holder process reading it ends when this test process does.
    /// </summary>
    public static NamespacedProcess Start(IEnumerable<string> command, IReadOnlyDictionary<string, string>? environment = null)
    {
        var parts = command.ToList();
        var start = new ProcessStartInfo(parts[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in parts.Skip(1)) start.ArgumentList.Add(arg);
        if (environment is not null)
        {
            start.Environment.Clear();
            foreach (var (key, value) in environment) start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {parts[0]}");
        var started = new NamespacedProcess(process);
        process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>The process's last output lines (stdout and stderr interleaved as they came).</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>Waits for the line <c>ready</c> the setup scripts print when done; fails with their output otherwise.</summary>
    public async Task WaitReadyAsync(string what, TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var done = await Task.WhenAny(_ready.Task, exited, Task.Delay(timeout)).ConfigureAwait(false);
        if (done == _ready.Task) return;
        var why = done == exited ? $"exited with {_process.ExitCode}" : $"not ready after {timeout.TotalSeconds:F0} s";
        throw new InvalidOperationException($"{what}: {why}\n{Output}");
    }

    /// <summary>
    /// The single child of this process once it has one: the pid (in this machine's pid namespace) of what nsenter -p or
    /// unshare --fork runs inside the namespaces.
    /// </summary>
    public int ChildPid()
    {
        var children = ChildrenOf(_process.Id);
        return children.Count == 1 ? children[0]
            : throw new InvalidOperationException($"expected one child of {_process.Id}, found {children.Count}\n{Output}");
    }

    /// <summary>Sends a signal by number (15 SIGTERM): what a platform sends a container it stops.</summary>
    public static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)])
        { UseShellExecute = false }) ?? throw new InvalidOperationException("could not run kill");
        await kill.WaitForExitAsync().ConfigureAwait(false);
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        if (line == "ready") _ready.TrySetResult();
        _lines.Enqueue(line);
        while (_lines.Count > KeptLines) _lines.TryDequeue(out _);
    }

    /// <summary>Children by their parent pid in /proc/*/stat (the field after the parenthesised command name).</summary>
    private static List<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // gone meanwhile
            }
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && fields[1] == parent.ToString(CultureInfo.InvariantCulture)) children.Add(pid);
        }
        return children;
    }
}
