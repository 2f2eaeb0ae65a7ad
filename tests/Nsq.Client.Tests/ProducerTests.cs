using System.Diagnostics;
using Nsq.Protocol.V2;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Tests;

public sealed class ProducerTests
{
    public sealed record Order(int Id, string Item);

    [Fact]
    public async Task Publish_raw_then_consume()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await producer.PublishAsync(topic, Bytes("hello"));
        await using var consumer = Consumer(topic, brokers: b);
        using var cts = new CancellationTokenSource(TestTimeout);
        await foreach (var m in consumer.ConsumeAsync(cts.Token))
        {
            Assert.Equal("hello", Text(m));
            Assert.Equal(1, m.Attempts);
            Assert.Equal(16, m.Id.Length);
            await m.FinishAsync();
            break;
        }
    }

    [Fact]
    public async Task Publish_typed_then_consume_typed()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await producer.PublishAsync(topic, new Order(7, "book"));
        await using var consumer = Consumer(topic, brokers: b);
        using var cts = new CancellationTokenSource(TestTimeout);
        await foreach (var m in consumer.ConsumeAsync(cts.Token))
        {
            Assert.Equal(new Order(7, "book"), m.GetBody<Order>());
            await m.FinishAsync();
            break;
        }
    }

    [Fact]
    public async Task Concurrent_publishes_are_pipelined_and_all_acknowledged()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => producer.PublishAsync(topic, Bytes($"m{i}")).AsTask()));
        await using var consumer = Consumer(topic, maxInFlight: 50, brokers: b);
        var seen = new HashSet<string>();
        using var cts = new CancellationTokenSource(TestTimeout);
        await foreach (var m in consumer.ConsumeAsync(cts.Token))
        {
            seen.Add(Text(m));
            await m.FinishAsync();
            if (seen.Count == 200) break;
        }
    }

    [Fact]
    public async Task Multi_publish_delivers_every_body()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await producer.MultiPublishAsync(topic, [Bytes("a"), Bytes("b"), Bytes("c")]);
        await using var consumer = Consumer(topic, brokers: b);
        var seen = new List<string>();
        using var cts = new CancellationTokenSource(TestTimeout);
        await foreach (var m in consumer.ConsumeAsync(cts.Token))
        {
            seen.Add(Text(m));
            await m.FinishAsync();
            if (seen.Count == 3) break;
        }
        Assert.Equal(["a", "b", "c"], seen.Order());
    }

    [Fact]
    public async Task Deferred_publish_arrives_not_before_its_delay()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await using var consumer = Consumer(topic, brokers: b);
        await consumer.StartAsync();
        var clock = Stopwatch.StartNew();
        await producer.DeferredPublishAsync(topic, Bytes("later"), TimeSpan.FromMilliseconds(500));
        using var cts = new CancellationTokenSource(TestTimeout);
        await foreach (var m in consumer.ConsumeAsync(cts.Token))
        {
            Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(500), $"arrived after {clock.Elapsed}");
            Assert.Equal("later", Text(m));
            await m.FinishAsync();
            break;
        }
    }

    [Fact]
    public async Task Bad_topic_throws_NsqException_with_the_code_and_the_next_publish_reconnects()
    {
        await using var b = await TestBroker.StartAsync();
        await using var producer = Producer(b);
        var ex = await Assert.ThrowsAsync<NsqException>(async () => await producer.PublishAsync("bad*topic", Bytes("x")));
        Assert.Equal(ErrorCode.BadTopic, ex.Code);
        await producer.PublishAsync(Topic(), Bytes("ok"));
    }

    [Fact]
    public async Task Fails_over_to_the_next_nsqd_when_one_is_down()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        // 127.0.0.1:1 refuses connections.
        await using var producer = new NsqProducer(new NsqProducerOptions { NsqdTcpAddresses = ["127.0.0.1:1", b.Tcp.ToString()] });
        await producer.PublishAsync(topic, Bytes("x"));
        await using var consumer = Consumer(topic, brokers: b);
        using var cts = new CancellationTokenSource(TestTimeout);
        await foreach (var m in consumer.ConsumeAsync(cts.Token))
        {
            Assert.Equal("x", Text(m));
            await m.FinishAsync();
            break;
        }
    }
}
