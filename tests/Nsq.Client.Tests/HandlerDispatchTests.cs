using System.Collections.Concurrent;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Tests;

/// <summary>
/// Where RunAsync's handler runs: on the read loop once it has proven quick, otherwise on handler tasks. Either way
/// HandlerConcurrency bounds the handlers running at once, every message is answered, and blocking handlers overlap.
/// </summary>
public sealed class HandlerDispatchTests
{
    [Fact]
    public async Task Thousands_of_quick_messages_on_two_connections_never_overlap_with_concurrency_1_and_are_all_finished()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        const int total = 5000;
        await using (var producer = Producer(b))
        {
            for (var i = 0; i < total; i += 500)
                await producer.MultiPublishAsync(topic, [.. Enumerable.Range(i, 500).Select(n => Bytes($"m{n}"))]);
        }
        // Two connections to one nsqd: two read loops race for the one handler slot.
        await using var consumer = Consumer(topic, maxInFlight: 200, configure: o => o with { HandlerConcurrency = 1 }, brokers: [b, b]);
        var running = 0;
        var overlaps = 0;
        var seen = new ConcurrentDictionary<string, byte>();
        using var cts = new CancellationTokenSource(TestTimeout * 3);
        var run = consumer.RunAsync((m, _) =>
        {
            if (Interlocked.Increment(ref running) != 1) Interlocked.Increment(ref overlaps);
            seen.TryAdd(Text(m), 0);
            Interlocked.Decrement(ref running);
            return ValueTask.CompletedTask;
        }, cts.Token);
        await WaitUntilAsync(() => seen.Count == total, "every message handled", TestTimeout * 3);
        await WaitUntilAsync(() => BrokerStats.DrainedAsync(b, topic), "every message finished on nsqd");
        await consumer.StopAsync(cts.Token);
        await run;
        Assert.Equal(0, Volatile.Read(ref overlaps));
    }

    [Fact]
    public async Task Handlers_that_block_synchronously_still_run_HandlerConcurrency_at_a_time_on_one_connection()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using (var producer = Producer(b))
            await producer.MultiPublishAsync(topic, [Bytes("a"), Bytes("b")]);
        await using var consumer = Consumer(topic, configure: o => o with { HandlerConcurrency = 2 }, brokers: b);
        // Each handler blocks its thread until the other has started: only two handlers running at once get through.
        using var barrier = new Barrier(2);
        var met = 0;
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync((_, _) =>
        {
            if (barrier.SignalAndWait(TestTimeout)) Interlocked.Increment(ref met);
            return ValueTask.CompletedTask;
        }, cts.Token);
        await WaitUntilAsync(() => Volatile.Read(ref met) == 2, "both blocking handlers ran at the same time", TestTimeout * 2);
        await consumer.StopAsync(cts.Token);
        await run;
    }

    [Fact]
    public async Task A_second_RunAsync_on_the_same_consumer_is_refused()
    {
        await using var b = await TestBroker.StartAsync();
        await using var consumer = Consumer(Topic(), brokers: b);
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync((_, _) => ValueTask.CompletedTask, cts.Token);
        await Assert.ThrowsAsync<InvalidOperationException>(() => consumer.RunAsync((_, _) => ValueTask.CompletedTask, cts.Token));
        await consumer.StopAsync(cts.Token);
        await run;
    }
}
