using Lookup.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using static Nsq.Client.Hosting.Tests.HostingTestHelpers;

namespace Nsq.Client.Hosting.Tests;

/// <summary>
/// The connection string an AppHost's <c>AddNsqCluster</c> hands over (<c>nsqd=…;lookupd=…</c>), end to end: the producer
/// publishes to the listed nsqd, the consumer finds every nsqd with the topic through the lookup.
/// </summary>
public sealed class ClusterConnectionTests
{
    [Fact]
    public async Task Consumer_discovers_every_broker_through_the_lookup_and_handles_each_message_once()
    {
        await using var lookup = await TestLookup.StartServerAsync(o => o.BroadcastAddress = "127.0.0.1");
        await using var b1 = await TestBroker.StartRegisteredWithAsync(lookup);
        await using var b2 = await TestBroker.StartRegisteredWithAsync(lookup);
        var topic = Topic();
        var received = new Received();
        var builder = Builder(
            ("ConnectionStrings:nsq", $"nsqd={b1.Tcp},{b2.Tcp};lookupd=http://127.0.0.1:{lookup.HttpEndPoint.Port}"),
            ("Nsq:Client:nsq:Consumer:LookupdPollInterval", "00:00:00.200"),
            ("Nsq:Client:nsq:Consumer:MaxInFlight", "10"));
        builder.Services.AddSingleton(received);
        builder.AddNsqProducer("nsq");
        builder.AddNsqConsumer<Order, OrderHandler>("nsq", topic, "ch");
        using var host = builder.Build();
        await host.StartAsync();
        var check = NsqServiceCollectionExtensions.ConsumerHealthCheckName(topic, "ch");
        // No nsqd has the topic yet: nothing to consume is not a failure.
        await WaitUntilAsync(async () => await HealthCheckTests.StatusAsync(host, check) == HealthStatus.Degraded, "consumer check degraded");

        // The registered producer publishes to the first nsqd listed; the second gets its share from a plain producer.
        var publisher = host.Services.GetRequiredService<INsqPublisher>();
        await using (var second = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = b2.Tcp.ToString() }))
        {
            for (var i = 0; i < 20; i++)
            {
                await publisher.PublishAsync(topic, new Order(i, "one"));
                await second.PublishAsync(topic, new Order(100 + i, "two"));
            }
        }
        await WaitUntilAsync(() => received.Count.Count == 40, "40 distinct orders handled");
        await WaitUntilAsync(async () => await HostedConsumerTests.ChannelDepthAsync(b1, topic, "ch") == (0, 0)
                                         && await HostedConsumerTests.ChannelDepthAsync(b2, topic, "ch") == (0, 0), "both channels drained");
        Assert.Equal(HealthStatus.Healthy, await HealthCheckTests.StatusAsync(host, check));
        await host.StopAsync();
        Assert.All(received.Count.Values, c => Assert.Equal(1, c));
    }
}
