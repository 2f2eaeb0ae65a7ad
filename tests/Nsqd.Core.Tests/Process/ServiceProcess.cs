using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Nsqd.Core.Tests.Process;

/// <summary>
/// The real <c>Nsqd.Service</c> host as a child process (the dll is copied next to the tests), on free loopback ports
/// with a given data path, stopped with SIGTERM as an operator or the AppHost would.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;

    private ServiceProcess(System.Diagnostics.Process process, IPEndPoint tcp, int httpPort)
    {
        _process = process;
        Tcp = tcp;
        HttpPort = httpPort;
    }

    public IPEndPoint Tcp { get; }
    public int HttpPort { get; }

    public static async Task<ServiceProcess> StartAsync(string dataPath, params string[] extraArgs)
    {
        var tcp = FreePort();
        var http = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Nsqd.Service.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add($"--tcp-address=127.0.0.1:{tcp}");
        psi.ArgumentList.Add($"--http-address=127.0.0.1:{http}");
        psi.ArgumentList.Add($"--data-path={dataPath}");
        foreach (var a in extraArgs) psi.ArgumentList.Add(a);
        var process = System.Diagnostics.Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, new IPEndPoint(IPAddress.Loopback, tcp), http);
        await service.WaitUntilListeningAsync(TimeSpan.FromSeconds(30));
        return service;
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
                await c.ConnectAsync(Tcp.Address, Tcp.Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>SIGTERM, then wait for the process to finish its clean shutdown; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs, like a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
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
    }
}
