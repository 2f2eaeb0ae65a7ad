using static Nsq.TestUtilities.Client.ClientTestHelpers;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Nsq.Client.Tests.Headers;

/// <summary>
/// The original nsqd 1.3 (Go) as a child process on free ports with a temp data path, for the fallback tests. Its
/// binary comes from <c>$NSQ_ANCHORS/bin/nsqd</c> (default /tmp/nsq-anchors); CI has no Go, so tests that need it
/// are skipped with the reason (<see cref="RealNsqdFactAttribute"/>).
/// </summary>
internal sealed partial class RealNsqd : IAsyncDisposable
{
    public static string BinaryPath { get; } = Path.Combine(Environment.GetEnvironmentVariable("NSQ_ANCHORS") ?? "/tmp/nsq-anchors", "bin", "nsqd");

    private readonly Process _process;
    private readonly string _dataPath;

    private RealNsqd(Process process, string dataPath, IPEndPoint tcp)
    {
        _process = process;
        _dataPath = dataPath;
        Tcp = tcp;
    }

    public IPEndPoint Tcp { get; }

    public static async Task<RealNsqd> StartAsync()
    {
        var dataPath = Directory.CreateTempSubdirectory("real-nsqd-").FullName;
        var info = new ProcessStartInfo(BinaryPath, ["--tcp-address=127.0.0.1:0", "--http-address=127.0.0.1:0", $"--data-path={dataPath}"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("nsqd did not start");
        var listening = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        // nsqd logs the port it got for :0 ("TCP: listening on 127.0.0.1:42473"); that line is the readiness signal.
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is { } line && TcpListening().Match(line) is { Success: true } m)
                listening.TrySetResult(new IPEndPoint(IPAddress.Loopback, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        };
        process.ErrorDataReceived += onLine;
        process.OutputDataReceived += onLine;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var tcp = await listening.Task.WaitAsync(TimeSpan.FromSeconds(15));
        return new RealNsqd(process, dataPath, tcp);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        TempDirectory.Delete(_dataPath);
    }

    [GeneratedRegex(@"TCP: listening on [^:]+:(\d+)")]
    private static partial Regex TcpListening();
}

/// <summary>A fact that needs the original nsqd binary; skipped, saying why, where it is absent.</summary>
internal sealed class RealNsqdFactAttribute : FactAttribute
{
    public RealNsqdFactAttribute()
    {
        if (!File.Exists(RealNsqd.BinaryPath))
            Skip = $"the original nsqd is not at {RealNsqd.BinaryPath} (set NSQ_ANCHORS to a folder with bin/nsqd; CI has no Go)";
    }
}
