using System.Collections.Concurrent;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Tests;

/// <summary>Connection loss between the SDK and nsqd, injected by a <see cref="FaultProxy"/>.</summary>
public sealed class ReconnectTests
{
    private static NsqConsumer ViaProxy(string topic, FaultProxy proxy, Func<NsqConsumerOptions, NsqConsumerOptions>? configure = null)
        => Consumer(topic, configure: o => (configure?.Invoke(o) ?? o) with { NsqdTcpAddresses = [proxy.EndPoint.ToString()] });

    private static (Func<NsqMessage, CancellationToken, ValueTask> Handler, ConcurrentDictionary<string, int> Seen) Recorder()
    {
        var seen = new ConcurrentDictionary<string, int>();
        return ((m, _) =>
        {
            seen.AddOrUpdate(Text(m), 1, (_, n) => n + 1);
            return ValueTask.CompletedTask;
        }, seen);
    }

    [Fact]
    public async Task Consumer_reconnects_after_the_connection_is_dropped_and_gets_every_message()
    {
        await using var b = await TestBroker.StartAsync();
        await using var proxy = new FaultProxy(b.Tcp);
        var topic = Topic();
        await using var producer = Producer(b);
        await using var consumer = ViaProxy(topic, proxy);
        var (handler, seen) = Recorder();
        using var cts = new CancellationTokenSource(TestTimeout * 2);
        var run = consumer.RunAsync(handler, cts.Token);
        for (var i = 0; i < 10; i++) await producer.PublishAsync(topic, Bytes($"a{i}"));
        await WaitUntilAsync(() => seen.Count == 10, "the first 10 arrived");

        proxy.DropAll();
        await WaitUntilAsync(() => proxy.Accepted == 2 && consumer.ConnectionCount == 1, "the consumer reconnected");
        for (var i = 0; i < 10; i++) await producer.PublishAsync(topic, Bytes($"b{i}"));
        await WaitUntilAsync(() => seen.Count == 20, "the next 10 arrived after the reconnect");

        await consumer.StopAsync(cts.Token);
        await run;
        Assert.Equal(20, seen.Count);
    }

    [Fact]
    public async Task Consumer_reconnects_again_and_again_with_backoff()
    {
        await using var b = await TestBroker.StartAsync();
        await using var proxy = new FaultProxy(b.Tcp);
        var topic = Topic();
        await using var producer = Producer(b);
        await using var consumer = ViaProxy(topic, proxy);
        var (handler, seen) = Recorder();
        using var cts = new CancellationTokenSource(TestTimeout * 3);
        var run = consumer.RunAsync(handler, cts.Token);
        await WaitUntilAsync(() => consumer.ConnectionCount == 1, "connected");
        for (var round = 0; round < 5; round++)
        {
            // Down for a while: several refused attempts, then back.
            proxy.Refuse = true;
            proxy.DropAll();
            await WaitUntilAsync(() => consumer.ConnectionCount == 0, "the drop was noticed");
            await producer.PublishAsync(topic, Bytes($"r{round}"));
            proxy.Refuse = false;
            await WaitUntilAsync(() => seen.ContainsKey($"r{round}"), $"round {round}'s message arrived after the reconnect");
            // Delivery is at least once: the next drop must not beat this message's FIN to nsqd.
            await WaitUntilAsync(() => BrokerStats.DrainedAsync(b, topic), "the FIN reached nsqd");
        }
        await consumer.StopAsync(cts.Token);
        await run;
        Assert.All(seen.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Consumer_started_while_nsqd_is_unreachable_connects_once_it_is()
    {
        await using var b = await TestBroker.StartAsync();
        await using var proxy = new FaultProxy(b.Tcp) { Refuse = true };
        var topic = Topic();
        await using var producer = Producer(b);
        await producer.PublishAsync(topic, Bytes("early"));
        await using var consumer = ViaProxy(topic, proxy);
        var (handler, seen) = Recorder();
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync(handler, cts.Token);
        await consumer.StartAsync(cts.Token);
        Assert.Equal(0, consumer.ConnectionCount);
        proxy.Refuse = false;
        await WaitUntilAsync(() => seen.ContainsKey("early"), "the message arrived once nsqd was reachable");
        await consumer.StopAsync(cts.Token);
        await run;
    }

    [Fact]
    public async Task A_stalled_connection_is_detected_by_missed_heartbeats_and_replaced()
    {
        await using var b = await TestBroker.StartAsync();
        await using var proxy = new FaultProxy(b.Tcp);
        var topic = Topic();
        await using var producer = Producer(b);
        await using var consumer = ViaProxy(topic, proxy, o => o with { HeartbeatInterval = TimeSpan.FromSeconds(1), ResponseTimeout = TimeSpan.FromSeconds(1) });
        var (handler, seen) = Recorder();
        using var cts = new CancellationTokenSource(TestTimeout * 2);
        var run = consumer.RunAsync(handler, cts.Token);
        await WaitUntilAsync(() => consumer.ConnectionCount == 1, "connected");
        proxy.Stall = true;
        await WaitUntilAsync(() => consumer.ConnectionCount == 0, "the silent connection was given up");
        proxy.Stall = false;
        await WaitUntilAsync(() => consumer.ConnectionCount == 1, "reconnected");
        await producer.PublishAsync(topic, Bytes("after"));
        await WaitUntilAsync(() => seen.ContainsKey("after"), "a message arrived on the new connection");
        await consumer.StopAsync(cts.Token);
        await run;
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
