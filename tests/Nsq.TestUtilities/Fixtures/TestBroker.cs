using Lookup.Core;
using Nsq.TestUtilities.Wire;
using Nsqd.Core;

namespace Nsq.TestUtilities.Fixtures;

/// <summary>An in-process broker on 127.0.0.1 port 0 with its own temp data path, deleted on dispose.</summary>
public sealed class TestBroker : IAsyncDisposable
{
    private TestBroker(NsqdServer server, string dataPath, NsqdOptions options)
    {
        Server = server;
        DataPath = dataPath;
        Options = options;
    }

    public NsqdServer Server { get; private set; }
    public string DataPath { get; }
    public NsqdOptions Options { get; }
    public IPEndPoint Tcp => Server.TcpEndPoint;
    public IPEndPoint Http => Server.HttpEndPoint!;
    public Uri HttpUri => new($"http://127.0.0.1:{Http.Port}/");

    public static async Task<TestBroker> StartAsync(Action<NsqdOptions>? configure = null, string? dataPath = null)
    {
        dataPath ??= Path.Combine(Path.GetTempPath(), "nsqd-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataPath);
        var options = NewOptions(dataPath);
        configure?.Invoke(options);
        var server = NsqdServer.Create(options);
        await server.StartAsync();
        return new TestBroker(server, dataPath, options);
    }

    /// <summary>A broker that registers its topics with <paramref name="lookup"/> (announcing 127.0.0.1).</summary>
    public static Task<TestBroker> StartRegisteredWithAsync(LookupServer lookup)
        => StartAsync(o => o.LookupdTcpAddresses = [$"127.0.0.1:{lookup.TcpEndPoint.Port}"]);

    public static NsqdOptions NewOptions(string dataPath) => new()
    {
        TcpAddress = "127.0.0.1:0",
        HttpAddress = "127.0.0.1:0",
        HttpsAddress = "",
        DataPath = dataPath,
        BroadcastAddress = "127.0.0.1",
        QueueScanInterval = TimeSpan.FromMilliseconds(20),
    };

    /// <summary>Clean stop and a fresh start on the same data path (and the same options, ports re-picked).</summary>
    public async Task RestartAsync()
    {
        await Server.DisposeAsync();
        Options.TcpAddress = "127.0.0.1:0";
        Options.HttpAddress = "127.0.0.1:0";
        Options.BroadcastTcpPort = 0;
        Options.BroadcastHttpPort = 0;
        Server = NsqdServer.Create(Options);
        await Server.StartAsync();
    }

    public async Task<RawClient> ConnectAsync(bool magic = true) => await RawClient.ConnectAsync(Tcp, magic);

    public HttpClient HttpClient() => new() { BaseAddress = HttpUri, Timeout = TimeSpan.FromSeconds(10) };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        TempDirectory.Delete(DataPath);
    }
}
