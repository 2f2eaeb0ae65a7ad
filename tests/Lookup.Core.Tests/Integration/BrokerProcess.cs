using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Lookup.Core.Tests.Integration;

/// <summary>
/// The real <c>Nsqd.Service</c> host as a child process (its dll is copied next to the tests through the Nsqd.Core.Tests
/// reference) on free loopback ports, so that a test can kill it with SIGKILL like a crash would.
/// </summary>
internal sealed class BrokerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataPath;

    private BrokerProcess(Process process, string dataPath, int tcpPort, int httpPort)
    {
        _process = process;
        _dataPath = dataPath;
        TcpPort = tcpPort;
        HttpPort = httpPort;
    }

    public int TcpPort { get; }
    public int HttpPort { get; }
    public Node Node => new("127.0.0.1", TcpPort, HttpPort);
    public IPEndPoint Tcp => new(IPAddress.Loopback, TcpPort);

    public static async Task<BrokerProcess> StartAsync(params string[] extraArgs)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "nsqd-integ-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataPath);
        var tcp = FreePort();
        var http = FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Nsqd.Service.dll"));
        psi.ArgumentList.Add($"--tcp-address=127.0.0.1:{tcp}");
        psi.ArgumentList.Add($"--http-address=127.0.0.1:{http}");
        psi.ArgumentList.Add("--broadcast-address=127.0.0.1");
        psi.ArgumentList.Add($"--data-path={dataPath}");
        foreach (var a in extraArgs) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var broker = new BrokerProcess(process, dataPath, tcp, http);
        try
        {
            await broker.WaitUntilListeningAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
        return broker;
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Nsqd.Service exited with {_process.ExitCode}");
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, TcpPort);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs; the kernel closes the process's sockets.</summary>
    public async Task KillAsync()
    {
        using (var kill = Process.Start("kill", ["-KILL", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(cts.Token);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_dataPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
