using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Nsq.CrashTest;

/// <summary>Nsqd.Service.dll as a child process on free loopback ports; <see cref="KillHard"/> is <c>kill -9</c>.</summary>
public sealed class BrokerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private BrokerProcess(Process process, IPEndPoint tcp)
    {
        _process = process;
        Tcp = tcp;
    }

    public IPEndPoint Tcp { get; }

    public int Id => _process.Id;

    /// <summary>Starts the broker and waits until its TCP port accepts connections.</summary>
    public static async Task<BrokerProcess> StartAsync(string nsqdDll, string dataPath, IEnumerable<string> extraArgs, CancellationToken ct)
    {
        var tcp = FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(nsqdDll);
        psi.ArgumentList.Add($"--tcp-address=127.0.0.1:{tcp}");
        psi.ArgumentList.Add($"--http-address=127.0.0.1:{FreePort()}");
        psi.ArgumentList.Add($"--data-path={dataPath}");
        foreach (var a in extraArgs) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var broker = new BrokerProcess(process, new IPEndPoint(IPAddress.Loopback, tcp));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"nsqd exited with {process.ExitCode}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(broker.Tcp.Address, broker.Tcp.Port, ct).ConfigureAwait(false);
                return broker;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash of the process.</summary>
    public async Task KillHardAsync()
    {
        if (_process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillHardAsync().ConfigureAwait(false);
        _process.Dispose();
    }
}
