using Lookup.Core;

namespace Nsq.Client.Grpc.Tests;

/// <summary>The in-process lookup with its gRPC (h2c) listener on; brokers register with it over lookup TCP
/// (<see cref="TestBroker.StartRegisteredWithAsync"/>).</summary>
internal static class GrpcLookup
{
    /// <summary>Starts a lookup; its gRPC listener on <paramref name="grpcPort"/> (0 = any free port).</summary>
    public static Task<LookupServer> StartAsync(int grpcPort = 0)
        => TestLookup.StartServerAsync(o => o.GrpcAddress = $"127.0.0.1:{grpcPort}");
}
