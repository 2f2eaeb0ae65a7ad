using System.Collections.Concurrent;
using System.Diagnostics;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Tests;

/// <summary>go-nsq's consumer behaviour (spec §9.3), observed from nsqd's side through /stats.</summary>
public sealed class ConsumerBehaviourTests
{
    [Fact]
    public async Task Rdy_is_spread_over_three_brokers_and_respread_when_one_goes()
    {
        await using var b1 = await TestBroker.StartAsync();
        await using var b2 = await TestBroker.StartAsync();
        var b3 = await TestBroker.StartAsync();
        var topic = Topic();
        await using var consumer = Consumer(topic, maxInFlight: 9, brokers: [b1, b2, b3]);
        using var cts = new CancellationTokenSource(TestTimeout * 2);
        var run = consumer.RunAsync((_, _) => ValueTask.CompletedTask, cts.Token);
        await BrokerStats.WaitForReadyAsync(topic, r => r.All(x => x is [3]), "RDY 3 on each of three", b1, b2, b3);

        await b3.DisposeAsync();
        await BrokerStats.WaitForReadyAsync(topic, r => r.All(x => x is [4]), "RDY 9/2 = 4 on each of the two left", b1, b2);
        Assert.Equal(2, consumer.ConnectionCount);
        await consumer.StopAsync(cts.Token);
        await run;
    }

    [Fact]
    public async Task With_fewer_rdy_than_brokers_rdy_1_rotates_and_every_broker_is_served()
    {
        await using var b1 = await TestBroker.StartAsync();
        await using var b2 = await TestBroker.StartAsync();
        await using var b3 = await TestBroker.StartAsync();
        var topic = Topic();
        TestBroker[] brokers = [b1, b2, b3];
        for (var i = 0; i < brokers.Length; i++)
            await using (var p = Producer(brokers[i])) await p.PublishAsync(topic, Bytes($"from{i}"));
        await using var consumer = Consumer(topic, maxInFlight: 1, configure: o => o with { RdyRedistributeInterval = TimeSpan.FromMilliseconds(100) }, brokers: brokers);
        var seen = new ConcurrentDictionary<string, byte>();
        var maxTotalReady = 0L;
        var maxTotalSent = 0L;
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync((m, _) =>
        {
            seen.TryAdd(Text(m), 0);
            return ValueTask.CompletedTask;
        }, cts.Token);
        var deadline = DateTime.UtcNow + TestTimeout;
        while (seen.Count < 3 && DateTime.UtcNow < deadline)
        {
            maxTotalSent = Math.Max(maxTotalSent, consumer.TotalReadySent);
            var ready = await Task.WhenAll(brokers.Select(b => BrokerStats.ReadyAsync(b, topic)));
            maxTotalReady = Math.Max(maxTotalReady, ready.Sum(r => r.Sum()));
            await Task.Delay(20);
        }
        await consumer.StopAsync(cts.Token);
        await run;
        Assert.Equal(3, seen.Count);
        // What the consumer grants never adds up to more than MaxInFlight (lowered RDY is sent before raised RDY).
        Assert.True(maxTotalSent <= 1, $"RDY sent reached {maxTotalSent} in total");
        // Seen from the brokers, one move may overlap for a moment: each nsqd acts on its own connection, and the three
        // /stats answers are not one instant. More than one RDY on top of MaxInFlight would be a real overshoot.
        Assert.True(maxTotalReady <= 2, $"total RDY reached {maxTotalReady}");
    }

    [Fact]
    public async Task Handler_failure_backs_off_with_rdy_0_then_probes_with_rdy_1_then_resumes()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = Consumer(topic, maxInFlight: 10, configure: o => o with
        {
            BackoffMultiplier = TimeSpan.FromSeconds(1),
            MaxBackoffDuration = TimeSpan.FromSeconds(5),
        }, brokers: b);
        var attempts = new ConcurrentQueue<int>();
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync(async (m, _) =>
        {
            attempts.Enqueue(m.Attempts);
            if (m.Attempts == 1) throw new InvalidOperationException("first attempt fails");
            await gate.Task;
        }, cts.Token);
        await BrokerStats.WaitForReadyAsync(topic, r => r[0] is [10], "RDY 10 at start", b);
        await producer.PublishAsync(topic, Bytes("x"));
        await BrokerStats.WaitForReadyAsync(topic, r => r[0] is [0], "RDY 0 while backing off", b);
        Assert.True(consumer.IsBackingOff);
        // After the backoff wait, one RDY 1 probe brings the requeued message back.
        await WaitUntilAsync(() => attempts.Count == 2, "the probe delivered the second attempt");
        Assert.True(consumer.IsBackingOff);
        var probing = await BrokerStats.ReadyAsync(b, topic);
        Assert.Equal([1L], probing);
        gate.SetResult();
        await BrokerStats.WaitForReadyAsync(topic, r => r[0] is [10], "RDY 10 after the success", b);
        Assert.False(consumer.IsBackingOff);
        await consumer.StopAsync(cts.Token);
        await run;
        Assert.Equal([1, 2], attempts);
    }

    [Fact]
    public async Task Requeue_delay_grows_with_attempts()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await producer.PublishAsync(topic, Bytes("slow retry"));
        var times = new ConcurrentQueue<(int Attempt, long Ms)>();
        var clock = Stopwatch.StartNew();
        await using var consumer = Consumer(topic, configure: o => o with
        {
            RequeueDelay = TimeSpan.FromMilliseconds(300),
            MaxBackoffDuration = TimeSpan.Zero,
        }, brokers: b);
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync((m, _) =>
        {
            times.Enqueue((m.Attempts, clock.ElapsedMilliseconds));
            if (m.Attempts < 3) throw new InvalidOperationException("retry");
            return ValueTask.CompletedTask;
        }, cts.Token);
        await WaitUntilAsync(() => times.Count == 3, "three attempts");
        await consumer.StopAsync(cts.Token);
        await run;
        var t = times.ToArray();
        Assert.Equal([1, 2, 3], t.Select(x => x.Attempt));
        // nsqd's deferred timers round to milliseconds: allow a few ms early.
        Assert.True(t[1].Ms - t[0].Ms >= 290, $"first requeue waited {t[1].Ms - t[0].Ms} ms");
        Assert.True(t[2].Ms - t[1].Ms >= 590, $"second requeue waited {t[2].Ms - t[1].Ms} ms (300 × 2)");
    }

    [Fact]
    public async Task Touch_keeps_a_message_past_its_msg_timeout()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await producer.PublishAsync(topic, Bytes("long work"));
        var msgTimeout = TimeSpan.FromSeconds(1.5);
        await using var consumer = Consumer(topic, configure: o => o with { MsgTimeout = msgTimeout }, brokers: b);
        var deliveries = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync(async (m, ct) =>
        {
            Interlocked.Increment(ref deliveries);
            // Work for over twice msg_timeout, touching every 0.15 of it (slack for a loaded machine).
            var work = Stopwatch.StartNew();
            while (work.Elapsed < msgTimeout * 2.2)
            {
                await m.TouchAsync(ct);
                await Task.Delay(msgTimeout * 0.15, ct);
            }
            done.TrySetResult();
        }, cts.Token);
        await done.Task.WaitAsync(TestTimeout);
        await WaitUntilAsync(() => BrokerStats.DrainedAsync(b, topic), "the message was finished");
        await consumer.StopAsync(cts.Token);
        await run;
        var channel = await BrokerStats.ChannelAsync(b, topic);
        Assert.Equal(0, channel!.TimeoutCount);
        Assert.Equal(1, deliveries);
    }

    [Fact]
    public async Task Without_touch_a_slow_handler_times_out_and_the_message_is_redelivered()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await producer.PublishAsync(topic, Bytes("long work"));
        await using var consumer = Consumer(topic, configure: o => o with { MsgTimeout = TimeSpan.FromSeconds(1), HandlerConcurrency = 2 }, brokers: b);
        var deliveries = 0;
        var timedOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync(async (m, ct) =>
        {
            // The first delivery waits (without touching) until nsqd gives up on it; the second finishes.
            if (Interlocked.Increment(ref deliveries) == 1) await timedOut.Task.WaitAsync(ct);
        }, cts.Token);
        await WaitUntilAsync(async () => (await BrokerStats.ChannelAsync(b, topic))?.TimeoutCount > 0, "nsqd timed the message out");
        await WaitUntilAsync(() => Volatile.Read(ref deliveries) == 2, "the timed-out message was delivered again");
        timedOut.SetResult();
        await consumer.StopAsync(cts.Token);
        await run;
    }

    [Fact]
    public async Task Rdy_is_capped_at_the_brokers_max_rdy_count()
    {
        await using var b = await TestBroker.StartAsync(o => o.MaxRdyCount = 50);
        var topic = Topic();
        await using var consumer = Consumer(topic, maxInFlight: 500, brokers: b);
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync((_, _) => ValueTask.CompletedTask, cts.Token);
        await BrokerStats.WaitForReadyAsync(topic, r => r[0] is [50], "RDY 50, nsqd's max", b);
        Assert.Equal(1, consumer.ConnectionCount);
        await consumer.StopAsync(cts.Token);
        await run;
    }
}
