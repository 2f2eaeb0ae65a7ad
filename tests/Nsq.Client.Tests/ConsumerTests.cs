using System.Collections.Concurrent;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Tests;

public sealed class ConsumerTests
{
    [Fact]
    public async Task Handler_exception_requeues_and_the_message_comes_back_with_attempts_2()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await producer.PublishAsync(topic, Bytes("retry"));
        await using var consumer = Consumer(topic, brokers: b);
        var second = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync((m, _) =>
        {
            if (m.Attempts == 1) throw new InvalidOperationException("first try fails");
            second.TrySetResult(m.Attempts);
            return ValueTask.CompletedTask;
        }, cts.Token);
        Assert.Equal(2, await second.Task.WaitAsync(TestTimeout));
        await consumer.StopAsync(cts.Token);
        await run;
    }

    [Fact]
    public async Task Max_attempts_exceeded_finishes_and_calls_the_hook()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await producer.PublishAsync(topic, Bytes("poison"));
        var gaveUp = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = 0;
        await using var consumer = Consumer(topic, configure: o => o with
        {
            MaxAttempts = 2,
            OnMaxAttemptsExceeded = m => { gaveUp.TrySetResult(m.Attempts); return ValueTask.CompletedTask; },
        }, brokers: b);
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync((_, _) =>
        {
            Interlocked.Increment(ref handled);
            throw new InvalidOperationException("always fails");
        }, cts.Token);
        Assert.Equal(3, await gaveUp.Task.WaitAsync(TestTimeout));
        Assert.Equal(2, Volatile.Read(ref handled));
        await consumer.StopAsync(cts.Token);
        await run;
    }

    [Fact]
    public async Task Two_brokers_every_message_arrives_once()
    {
        await using var b1 = await TestBroker.StartAsync();
        await using var b2 = await TestBroker.StartAsync();
        var topic = Topic();
        await PublishToBothAsync(topic, b1, b2, each: 50);
        await using var consumer = Consumer(topic, maxInFlight: 10, brokers: [b1, b2]);
        Assert.Equal(5, consumer.ReadyPerConnection);
        using var run = CountingRun.Start(consumer, TestTimeout, expected: 100);
        await run.AllArrived.WaitAsync(TestTimeout);
        await run.StopAsync();
        Assert.Equal(100, run.Seen.Count);
        run.AssertEachArrivedOnce();
    }

    [Fact]
    public async Task Graceful_stop_loses_nothing()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = Producer(b);
        await producer.MultiPublishAsync(topic, [.. Enumerable.Range(0, 200).Select(i => Bytes($"m{i}"))]);
        var done = new ConcurrentDictionary<string, byte>();
        using var cts = new CancellationTokenSource(TestTimeout);
        var half = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var first = Consumer(topic, maxInFlight: 20, brokers: b))
        {
            var run = first.RunAsync(async (m, _) =>
            {
                await Task.Yield();
                done.TryAdd(Text(m), 0);
                if (done.Count >= 50) half.TrySetResult();
            }, cts.Token);
            await half.Task.WaitAsync(TestTimeout);
            await first.StopAsync(cts.Token);
            await run;
        }
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (done.Count == 200) all.TrySetResult();
        await using var second = Consumer(topic, maxInFlight: 20, brokers: b);
        var run2 = second.RunAsync((m, _) =>
        {
            done.TryAdd(Text(m), 0);
            if (done.Count == 200) all.TrySetResult();
            return ValueTask.CompletedTask;
        }, cts.Token);
        await all.Task.WaitAsync(TestTimeout);
        await second.StopAsync(cts.Token);
        await run2;
        Assert.Equal(200, done.Count);
    }
}
