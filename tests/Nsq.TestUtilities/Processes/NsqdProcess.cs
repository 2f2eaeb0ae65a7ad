using System.Diagnostics;

namespace Nsq.TestUtilities.Processes;

/// <summary>
/// The real <c>Nsqd.Service</c> host as a child process on free loopback ports, for what only a process can show: a
/// crash (<see cref="KillAsync"/>, SIGKILL: no shutdown code runs, the kernel closes its sockets) and the clean shutdown
/// an operator or the AppHost asks for (<see cref="TerminateAsync"/>, SIGTERM).
/// </summary>
public sealed class NsqdProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _ownedDataPath;

    private NsqdProcess(Process process, int tcpPort, int httpPort, string? ownedDataPath)
    {
        _process = process;
        TcpPort = tcpPort;
        HttpPort = httpPort;
        _ownedDataPath = ownedDataPath;
    }

    public int TcpPort { get; }
    public int HttpPort { get; }
    public IPEndPoint Tcp => new(IPAddress.Loopback, TcpPort);
    public int Id => _process.Id;

    /// <summary>
    /// Starts the broker and waits until its TCP port accepts connections. <paramref name="dataPath"/> null: a fresh temp
    /// folder, deleted on dispose. <paramref name="nsqdDll"/> null: the repository's build of the same configuration
    /// (<see cref="RepositoryPaths.NsqdServiceDll"/>).
    /// </summary>
    public static async Task<NsqdProcess> StartAsync(string? dataPath, IEnumerable<string> extraArgs, string? nsqdDll = null,
        CancellationToken ct = default)
    {
        var dll = nsqdDll ?? RepositoryPaths.NsqdServiceDll;
        var owned = dataPath is null ? Path.Combine(Path.GetTempPath(), "nsqd-process-" + Guid.NewGuid().ToString("N")) : null;
        dataPath ??= owned!;
        Directory.CreateDirectory(dataPath);
        var tcp = Ports.FreePort();
        var http = Ports.FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add($"--tcp-address=127.0.0.1:{tcp}");
        psi.ArgumentList.Add($"--http-address=127.0.0.1:{http}");
        psi.ArgumentList.Add("--broadcast-address=127.0.0.1");
        psi.ArgumentList.Add($"--data-path={dataPath}");
        foreach (var a in extraArgs) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        // The output is drained (a full pipe would block the broker) and not kept.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var broker = new NsqdProcess(process, tcp, http, owned);
        try
        {
            await broker.WaitUntilListeningAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return broker;
    }

    /// <summary>As <see cref="StartAsync(string?, IEnumerable{string}, string?, CancellationToken)"/> with the repository's build.</summary>
    public static Task<NsqdProcess> StartAsync(string? dataPath, params string[] extraArgs) => StartAsync(dataPath, extraArgs, null);

    // Ready means THIS broker answers: a TCP connect alone can reach another listener that was handed the same port
    // (Ports.FreePort releases it before the process binds, and parallel tests bind port 0 meanwhile). So the broker's
    // own /info must name the TCP port it was given, and the process must still be running after that.
    private async Task WaitUntilListeningAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var expected = $"\"tcp_port\":{TcpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        await Poll.UntilAsync(async () =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"Nsqd.Service exited with {_process.ExitCode} (ports {TcpPort}/{HttpPort} taken?)");
            try
            {
                var info = await http.GetStringAsync(new Uri($"http://127.0.0.1:{HttpPort}/info"), ct).ConfigureAwait(false);
                if (!info.Contains(expected, StringComparison.Ordinal)) return false;
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, TcpPort, ct).ConfigureAwait(false);
                return !_process.HasExited;
            }
            catch (Exception ex) when (ex is HttpRequestException or SocketException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                return false;
            }
        }, "Nsqd.Service answering /info with its TCP port", timeout).ConfigureAwait(false);
    }

    /// <summary>SIGTERM, then wait for the process to finish its clean shutdown; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync().ConfigureAwait(false);
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL (Process.Kill on Unix): no shutdown code runs, exactly like a crash of the process.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        _process.Dispose();
        if (_ownedDataPath is null) return;
        TempDirectory.Delete(_ownedDataPath);
    }
}
