using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Grpc.Tests;

/// <summary>
/// Consumers that discover nsqd only through the lookup's gRPC topology stream: the in-process lookup server (gRPC h2c
/// listener on) and in-process brokers registering with it over lookup TCP.
/// </summary>
public sealed class GrpcDiscoveryConsumerTests
{
    /// <summary>Push discovery must beat the HTTP poll interval by far; generous for a loaded two-core machine.</summary>
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(5);

    private static NsqConsumer GrpcConsumer(string topic, string grpcAddress)
        => new(new NsqConsumerOptions
        {
            Topic = topic,
            Channel = "ch",
            // A poll interval no test waits for: anything found in time was pushed by the stream.
            LookupdPollInterval = TimeSpan.FromMinutes(10),
            MaxInFlight = 10,
            RequeueDelay = TimeSpan.Zero,
        }.WithGrpcTopology(grpcAddress));

    [Fact]
    public async Task Grpc_only_consumer_picks_up_brokers_that_register_after_it_started()
    {
        await using var lookup = await GrpcLookup.StartAsync();
        var topic = Topic();
        await using var consumer = GrpcConsumer(topic, $"127.0.0.1:{lookup.GrpcEndPoint!.Port}");
        using var received = CountingRun.Start(consumer, TestTimeout * 3);
        await consumer.StartAsync(received.Token);
        Assert.Equal(0, consumer.ConnectionCount);

        // The first broker gets the topic (and registers it with the lookup) only now.
        await using var b1 = await TestBroker.StartRegisteredWithAsync(lookup);
        await using (var p1 = Producer(b1)) await p1.PublishAsync(topic, Bytes("from b1"));
        var stopwatch = Stopwatch.StartNew();
        await WaitUntilAsync(() => received.Has("from b1"), "the message from the first broker arrived", PushTimeout);
        Assert.Equal(1, consumer.ConnectionCount);

        // A second broker, later still.
        await using var b2 = await TestBroker.StartRegisteredWithAsync(lookup);
        await using (var p2 = Producer(b2)) await p2.PublishAsync(topic, Bytes("from b2"));
        await WaitUntilAsync(() => received.Has("from b2"), "the message from the second broker arrived", PushTimeout);
        Assert.Equal(2, consumer.ConnectionCount);
        Assert.True(stopwatch.Elapsed < PushTimeout * 2, $"took {stopwatch.Elapsed}");

        await received.StopAsync();
        Assert.Equal(2, received.Seen.Count);
    }

    [Fact]
    public async Task A_lookup_grpc_endpoint_that_is_down_at_start_is_retried()
    {
        // The lookup's future port first answers every connection by closing it (a lookup restarting), then refuses
        // (down), then the lookup starts on it.
        var standIn = new TcpListener(IPAddress.Loopback, 0);
        standIn.Start();
        var port = ((IPEndPoint)standIn.LocalEndpoint).Port;
        var accepted = 0;
        var acceptLoop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var socket = await standIn.AcceptSocketAsync();
                    Interlocked.Increment(ref accepted);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        });
        var topic = Topic();
        var discovery = new NsqGrpcTopologyDiscovery([$"127.0.0.1:{port}"])
        {
            ReconnectDelay = TimeSpan.FromMilliseconds(20),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
        };
        await using var consumer = new NsqConsumer(new NsqConsumerOptions
        {
            Topic = topic,
            Channel = "ch",
            LookupdPollInterval = TimeSpan.FromMinutes(10),
            Discovery = discovery,
        });
        using var received = CountingRun.Start(consumer, TestTimeout * 3);
        await WaitUntilAsync(() => Volatile.Read(ref accepted) >= 3, "the discovery tried the lookup again and again");
        standIn.Stop();
        await acceptLoop;

        await using var lookup = await GrpcLookup.StartAsync(port);
        await using var broker = await TestBroker.StartRegisteredWithAsync(lookup);
        await using (var producer = Producer(broker)) await producer.PublishAsync(topic, Bytes("after the lookup came up"));
        await WaitUntilAsync(() => received.Has("after the lookup came up"), "the message arrived through the late lookup");

        await received.StopAsync();
    }

    [Fact]
    public async Task Http_polling_and_the_grpc_stream_together_reach_the_union_of_their_nsqd()
    {
        await using var polled = await GrpcLookup.StartAsync();
        await using var streamed = await GrpcLookup.StartAsync();
        await using var b1 = await TestBroker.StartRegisteredWithAsync(polled);
        await using var b2 = await TestBroker.StartRegisteredWithAsync(streamed);
        var topic = Topic();
        await using (var p1 = Producer(b1)) await p1.PublishAsync(topic, Bytes("polled"));
        await using (var p2 = Producer(b2)) await p2.PublishAsync(topic, Bytes("streamed"));
        await using var consumer = new NsqConsumer(new NsqConsumerOptions
        {
            Topic = topic,
            Channel = "ch",
            LookupdHttpAddresses = [$"127.0.0.1:{polled.HttpEndPoint.Port}"],
            LookupdPollInterval = TimeSpan.FromMilliseconds(200),
            MaxInFlight = 10,
        }.WithGrpcTopology($"127.0.0.1:{streamed.GrpcEndPoint!.Port}"));
        using var received = CountingRun.Start(consumer, TestTimeout * 3);
        await WaitUntilAsync(() => received.Has("polled") && received.Has("streamed"), "a message from each lookup's nsqd");
        Assert.Equal(2, consumer.ConnectionCount);
        await received.StopAsync();
    }
}
