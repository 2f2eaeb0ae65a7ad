using System.Collections.Concurrent;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Tests;

/// <summary>Connection loss between the SDK and nsqd, injected by a <see cref="FaultProxy"/>.</summary>
public sealed class ReconnectTests
{
    /// <summary>
    /// A broker behind a fault proxy, a producer straight to the broker, and a consumer of a fresh topic through the
    /// proxy that counts how often each body arrived. <see cref="Run"/> starts consuming; disposing stops everything.
    /// </summary>
    private sealed class ProxiedConsumer : IAsyncDisposable
    {
        private CountingRun? _run;

        private ProxiedConsumer(TestBroker broker, FaultProxy proxy, NsqConsumer consumer, string topic)
        {
            Broker = broker;
            Proxy = proxy;
            Consumer = consumer;
            Topic = topic;
            Producer = ClientTestHelpers.Producer(broker);
        }

        public TestBroker Broker { get; }
        public FaultProxy Proxy { get; }
        public NsqProducer Producer { get; }
        public NsqConsumer Consumer { get; }
        public string Topic { get; }
        public ConcurrentDictionary<string, int> Seen => _run!.Seen;
        public CancellationToken Token => _run!.Token;

        public static async Task<ProxiedConsumer> StartAsync(bool refuse = false, Func<NsqConsumerOptions, NsqConsumerOptions>? configure = null)
        {
            var broker = await TestBroker.StartAsync();
            var proxy = new FaultProxy(broker.Tcp) { Refuse = refuse };
            var topic = ClientTestHelpers.Topic();
            var consumer = ClientTestHelpers.Consumer(topic, configure: o => (configure?.Invoke(o) ?? o) with { NsqdTcpAddresses = [proxy.EndPoint.ToString()] });
            return new ProxiedConsumer(broker, proxy, consumer, topic);
        }

        /// <summary>Starts the consumer's loop, cancelled after <paramref name="timeout"/>.</summary>
        public void Run(TimeSpan timeout) => _run = CountingRun.Start(Consumer, timeout);

        /// <summary>Stops the consumer and waits for its loop to end.</summary>
        public Task StopAsync() => _run!.StopAsync();

        public async ValueTask DisposeAsync()
        {
            await Consumer.DisposeAsync();
            await Producer.DisposeAsync();
            await Proxy.DisposeAsync();
            await Broker.DisposeAsync();
            _run?.Dispose();
        }
    }

    [Fact]
    public async Task Consumer_reconnects_after_the_connection_is_dropped_and_gets_every_message()
    {
        await using var proxied = await ProxiedConsumer.StartAsync();
        proxied.Run(TestTimeout * 2);
        for (var i = 0; i < 10; i++) await proxied.Producer.PublishAsync(proxied.Topic, Bytes($"a{i}"));
        await WaitUntilAsync(() => proxied.Seen.Count == 10, "the first 10 arrived");

        proxied.Proxy.DropAll();
        await WaitUntilAsync(() => proxied.Proxy.Accepted == 2 && proxied.Consumer.ConnectionCount == 1, "the proxied.Consumer reconnected");
        for (var i = 0; i < 10; i++) await proxied.Producer.PublishAsync(proxied.Topic, Bytes($"b{i}"));
        await WaitUntilAsync(() => proxied.Seen.Count == 20, "the next 10 arrived after the reconnect");

        await proxied.StopAsync();
        Assert.Equal(20, proxied.Seen.Count);
    }

    [Fact]
    public async Task Consumer_reconnects_again_and_again_with_backoff()
    {
        await using var proxied = await ProxiedConsumer.StartAsync();
        proxied.Run(TestTimeout * 3);
        await WaitUntilAsync(() => proxied.Consumer.ConnectionCount == 1, "connected");
        for (var round = 0; round < 5; round++)
        {
            // Down for a while: several refused attempts, then back.
            proxied.Proxy.Refuse = true;
            proxied.Proxy.DropAll();
            await WaitUntilAsync(() => proxied.Consumer.ConnectionCount == 0, "the drop was noticed");
            await proxied.Producer.PublishAsync(proxied.Topic, Bytes($"r{round}"));
            proxied.Proxy.Refuse = false;
            await WaitUntilAsync(() => proxied.Seen.ContainsKey($"r{round}"), $"round {round}'s message arrived after the reconnect");
            // Delivery is at least once: the next drop must not beat this message's FIN to nsqd.
            await WaitUntilAsync(() => BrokerStats.DrainedAsync(proxied.Broker, proxied.Topic), "the FIN reached nsqd");
        }
        await proxied.StopAsync();
        Assert.All(proxied.Seen.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Consumer_started_while_nsqd_is_unreachable_connects_once_it_is()
    {
        await using var proxied = await ProxiedConsumer.StartAsync(refuse: true);
        await proxied.Producer.PublishAsync(proxied.Topic, Bytes("early"));
        proxied.Run(TestTimeout);
        await proxied.Consumer.StartAsync(proxied.Token);
        Assert.Equal(0, proxied.Consumer.ConnectionCount);
        proxied.Proxy.Refuse = false;
        await WaitUntilAsync(() => proxied.Seen.ContainsKey("early"), "the message arrived once nsqd was reachable");
        await proxied.StopAsync();
    }

    [Fact]
    public async Task A_stalled_connection_is_detected_by_missed_heartbeats_and_replaced()
    {
        await using var proxied = await ProxiedConsumer.StartAsync(configure: o => o with { HeartbeatInterval = TimeSpan.FromSeconds(1), ResponseTimeout = TimeSpan.FromSeconds(1) });
        proxied.Run(TestTimeout * 2);
        await WaitUntilAsync(() => proxied.Consumer.ConnectionCount == 1, "connected");
        proxied.Proxy.Stall = true;
        await WaitUntilAsync(() => proxied.Consumer.ConnectionCount == 0, "the silent connection was given up");
        proxied.Proxy.Stall = false;
        await WaitUntilAsync(() => proxied.Consumer.ConnectionCount == 1, "reconnected");
        await proxied.Producer.PublishAsync(proxied.Topic, Bytes("after"));
        await WaitUntilAsync(() => proxied.Seen.ContainsKey("after"), "a message arrived on the new connection");
        await proxied.StopAsync();
    }

    [Fact]
    public async Task Producer_publishes_again_after_its_connection_is_dropped()
    {
        await using var b = await TestBroker.StartAsync();
        await using var proxy = new FaultProxy(b.Tcp);
        var topic = Topic();
        await using var producer = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = proxy.EndPoint.ToString() });
        await producer.PublishAsync(topic, Bytes("one"));
        proxy.DropAll();
        // The first publish after the drop may see the dead connection; the next one must reconnect and succeed.
        try
        {
            await producer.PublishAsync(topic, Bytes("two"));
        }
        catch (NsqException ex) when (ex.Code == NsqException.ConnectionClosedCode)
        {
            await producer.PublishAsync(topic, Bytes("two"));
        }
        Assert.Equal(2, proxy.Accepted);
    }

    [Fact]
    public async Task Producer_publish_rides_out_a_short_outage()
    {
        await using var b = await TestBroker.StartAsync();
        await using var proxy = new FaultProxy(b.Tcp);
        var topic = Topic();
        await using var producer = new NsqProducer(new NsqProducerOptions
        {
            NsqdTcpAddress = proxy.EndPoint.ToString(),
            ReconnectDelay = TimeSpan.FromMilliseconds(20),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(100),
        });
        await producer.PublishAsync(topic, Bytes("one"));
        proxy.Refuse = true;
        proxy.DropAll();
        await WaitUntilAsync(() => proxy.Open == 0, "the connection is gone");
        var publish = Task.Run(async () =>
        {
            try
            {
                await producer.PublishAsync(topic, Bytes("two"));
            }
            catch (NsqException ex) when (ex.Code == NsqException.ConnectionClosedCode)
            {
                await producer.PublishAsync(topic, Bytes("two"));
            }
        });
        await WaitUntilAsync(() => publish.IsCompleted || proxy.Accepted >= 1, "a publish is waiting");
        proxy.Refuse = false;
        await publish.WaitAsync(TestTimeout);
        Assert.Equal(2, proxy.Accepted);
    }
}
