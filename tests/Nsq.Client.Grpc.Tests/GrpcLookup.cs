using Lookup.Core;
using Nsqd.Core;

namespace Nsq.Client.Grpc.Tests;

/// <summary>The in-process lookup with its gRPC (h2c) listener on, and brokers that register with it over lookup TCP.</summary>
internal static class GrpcLookup
{
    /// <summary>Starts a lookup; its gRPC listener on <paramref name="grpcPort"/> (0 = any free port).</summary>
    public static async Task<LookupServer> StartAsync(int grpcPort = 0)
    {
        var options = new LookupOptions { TcpAddress = "127.0.0.1:0", HttpAddress = "127.0.0.1:0", BroadcastAddress = "lookup.test" };
        options.GrpcAddress = $"127.0.0.1:{grpcPort}";
        var server = LookupServer.Create(options);
        await server.StartAsync();
        return server;
    }

    /// <summary>A broker that registers its topics with <paramref name="lookup"/>, announcing 127.0.0.1.</summary>
    public static Task<TestBroker> StartRegisteredBrokerAsync(this LookupServer lookup)
        => TestBroker.StartAsync(o => RegisterWith(o, lookup));

    private static void RegisterWith(NsqdOptions options, LookupServer lookup)
    {
        options.LookupdTcpAddresses = [$"127.0.0.1:{lookup.TcpEndPoint.Port}"];
        options.BroadcastAddress = "127.0.0.1";
    }
}
