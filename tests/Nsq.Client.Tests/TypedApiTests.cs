using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Tests;

public sealed record Order(int Id, string Item);

[JsonSerializable(typeof(Order))]
internal sealed partial class OrderJsonContext : JsonSerializerContext;

/// <summary>The typed surface: INsqHandler&lt;T&gt;, typed delegates, IAsyncEnumerable&lt;NsqMessage&lt;T&gt;&gt;, source-generated JSON.</summary>
public sealed class TypedApiTests
{
    private sealed class OrderHandler : INsqHandler<Order>
    {
        public ConcurrentDictionary<int, Order> Orders { get; } = new();

        public Task HandleAsync(NsqMessage<Order> message, CancellationToken cancellationToken)
        {
            Orders[message.Body.Id] = message.Body;
            Assert.Equal(1, message.Attempts);
            Assert.Equal(16, message.Id.Length);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Handler_interface_gets_every_typed_message_and_each_is_finished()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        for (var i = 0; i < 20; i++) await producer.PublishAsync(topic, new Order(i, "book"));
        await using var consumer = Consumer(topic, brokers: b);
        var handler = new OrderHandler();
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync(handler, cts.Token);
        await WaitUntilAsync(() => handler.Orders.Count == 20, "20 orders handled");
        await consumer.StopAsync(cts.Token);
        await run;
        Assert.Equal("book", handler.Orders[7].Item);
        var channel = await BrokerStats.ChannelAsync(b, topic);
        Assert.Equal(0, channel!.Depth);
        Assert.Equal(0, channel.InFlightCount);
        Assert.Equal(0, channel.RequeueCount);
    }

    [Fact]
    public async Task Async_enumerable_yields_typed_messages_that_the_reader_finishes()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await producer.MultiPublishAsync(topic, [.. Enumerable.Range(0, 5).Select(i => (ReadOnlyMemory<byte>)System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Order(i, "pen"), OrderJsonContext.Default.Order))]);
        await using var consumer = Consumer(topic, maxInFlight: 5, brokers: b);
        using var cts = new CancellationTokenSource(TestTimeout);
        var ids = new List<int>();
        await foreach (var message in consumer.ConsumeAsync<Order>(cts.Token))
        {
            Assert.Equal("pen", message.Body.Item);
            Assert.False(message.RawBody.IsEmpty);
            await message.FinishAsync(cts.Token);
            ids.Add(message.Body.Id);
            if (ids.Count == 5) break;
        }
        Assert.Equal([0, 1, 2, 3, 4], ids.Order());
        await consumer.StopAsync(cts.Token);
    }

    [Fact]
    public async Task Source_generated_serializer_and_typed_delegate_round_trip()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        var serializer = NsqJsonSerializer.Create(OrderJsonContext.Default);
        await using var producer = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = b.Tcp.ToString(), Serializer = serializer });
        await producer.PublishAsync(topic, new Order(42, "lamp"));
        await producer.PublishAsync(topic, new Order(43, "desk"), OrderJsonContext.Default.Order);
        await using var consumer = Consumer(topic, configure: o => o with { Serializer = serializer }, brokers: b);
        var got = new ConcurrentBag<Order>();
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync<Order>((m, _) =>
        {
            got.Add(m.Body);
            return ValueTask.CompletedTask;
        }, cts.Token);
        await WaitUntilAsync(() => got.Count == 2, "both orders");
        await consumer.StopAsync(cts.Token);
        await run;
        Assert.Equal([42, 43], got.Select(o => o.Id).Order());
    }

    [Fact]
    public async Task A_body_that_does_not_deserialize_is_requeued_until_max_attempts_then_handed_to_the_hook()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await producer.PublishAsync(topic, Bytes("not json"));
        var gaveUp = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = Consumer(topic, configure: o => o with
        {
            MaxAttempts = 2,
            OnMaxAttemptsExceeded = m => { gaveUp.TrySetResult(Text(m)); return ValueTask.CompletedTask; },
        }, brokers: b);
        using var cts = new CancellationTokenSource(TestTimeout);
        var handled = 0;
        var run = consumer.RunAsync<Order>((_, _) => { Interlocked.Increment(ref handled); return ValueTask.CompletedTask; }, cts.Token);
        Assert.Equal("not json", await gaveUp.Task.WaitAsync(TestTimeout));
        Assert.Equal(0, handled);
        await consumer.StopAsync(cts.Token);
        await run;
    }
}
