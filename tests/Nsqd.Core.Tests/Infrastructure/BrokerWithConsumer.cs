using Nsqd.Core.Topics;

namespace Nsqd.Core.Tests.Infrastructure;

/// <summary>
/// The usual start of a delivery test: a broker, a publisher that has queued <c>bodies</c> on a topic (one body with PUB,
/// several with one MPUB), and a consumer subscribed to <c>topic/c</c>. Disposes the consumer, the publisher, the broker.
/// </summary>
internal sealed class BrokerWithConsumer : IAsyncDisposable
{
    private BrokerWithConsumer(TestBroker broker, RawClient publisher, RawClient consumer, string topic)
    {
        Broker = broker;
        Publisher = publisher;
        Consumer = consumer;
        Topic = topic;
    }

    public TestBroker Broker { get; }
    public RawClient Publisher { get; }
    public RawClient Consumer { get; }
    public string Topic { get; }

    /// <summary>The channel <c>topic/c</c> as the engine sees it now.</summary>
    public ChannelSnapshot Channel => Broker.Server.Broker.FindTopic(Topic)!.FindChannel("c")!.Snapshot();

    public static async Task<BrokerWithConsumer> StartAsync(string topic, string[] bodies, long? rdy = null,
        object? identify = null, Action<NsqdOptions>? configure = null)
    {
        var broker = await TestBroker.StartAsync(configure);
        var publisher = await broker.ConnectAsync();
        if (bodies.Length == 1) await publisher.PublishAsync(topic, bodies[0]);
        else await publisher.PublishManyAsync(topic, bodies);
        var consumer = await broker.ConnectAsync();
        await consumer.SubscribeAsync(topic, "c", rdy, identify);
        return new BrokerWithConsumer(broker, publisher, consumer, topic);
    }

    /// <summary><paramref name="count"/> messages <c>m0</c>, <c>m1</c>, … queued with one MPUB.</summary>
    public static Task<BrokerWithConsumer> WithQueuedAsync(string topic, int count, long? rdy = null, Action<NsqdOptions>? configure = null)
        => StartAsync(topic, [.. Enumerable.Range(0, count).Select(i => $"m{i}")], rdy, configure: configure);

    public async ValueTask DisposeAsync()
    {
        await Consumer.DisposeAsync();
        await Publisher.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
