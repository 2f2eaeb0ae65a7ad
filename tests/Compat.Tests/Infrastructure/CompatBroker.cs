using System.Net;
using Nsqd.Core;

namespace Compat.Tests.Infrastructure;

/// <summary>An in-process broker on 127.0.0.1 port 0 with its own temp data path, deleted on dispose.</summary>
public sealed class CompatBroker : IAsyncDisposable
{
    private CompatBroker(NsqdServer server, string dataPath)
    {
        Server = server;
        DataPath = dataPath;
    }

    public NsqdServer Server { get; }
    public string DataPath { get; }
    public IPEndPoint Tcp => Server.TcpEndPoint;

    public static async Task<CompatBroker> StartAsync(Action<NsqdOptions>? configure = null)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "nsqd-compat-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataPath);
        var options = new NsqdOptions
        {
            TcpAddress = "127.0.0.1:0",
            HttpAddress = "127.0.0.1:0",
            HttpsAddress = "",
            DataPath = dataPath,
            BroadcastAddress = "127.0.0.1",
        };
        configure?.Invoke(options);
        var server = NsqdServer.Create(options);
        await server.StartAsync();
        return new CompatBroker(server, dataPath);
    }

    public Task<WireClient> ConnectAsync() => WireClient.ConnectAsync(Tcp);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { }
    }
}
