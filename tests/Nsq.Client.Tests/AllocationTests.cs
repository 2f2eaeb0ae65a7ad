using Xunit.Abstractions;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Tests;

/// <summary>Allocation measurements must not share the process with other tests' allocations.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>
/// The steady publish and consume paths allocate nothing per message (spec §7 hot-path rule), measured as the process's
/// allocated bytes over many messages against <see cref="LoopbackNsqd"/>, a fake nsqd that allocates nothing itself.
/// </summary>
[Collection(nameof(AllocationCollection))]
public sealed class AllocationTests(ITestOutputHelper output)
{
    private static long Allocated() => GC.GetTotalAllocatedBytes(precise: true);

    [OptimizedBuildFact]
    public async Task Multi_publish_allocates_nothing_per_message()
    {
        await using var nsqd = new LoopbackNsqd();
        await using var producer = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = nsqd.Address });
        var batch = Enumerable.Range(0, 100).Select(_ => (ReadOnlyMemory<byte>)new byte[100]).ToArray();
        for (var i = 0; i < 500; i++) await producer.MultiPublishAsync("t", batch);
        const int rounds = 2000;
        var before = Allocated();
        for (var i = 0; i < rounds; i++) await producer.MultiPublishAsync("t", batch);
        var perMessage = (Allocated() - before) / (double)(rounds * batch.Length);
        // What is left is the Task each call returns (about 1 byte per message at 100 per MPUB).
        output.WriteLine($"{perMessage:F2} bytes per message");
        Assert.True(perMessage < 2, $"{perMessage:F2} bytes allocated per published message");
    }

    [OptimizedBuildFact]
    public async Task Single_publish_allocates_only_the_task_it_returns()
    {
        await using var nsqd = new LoopbackNsqd();
        await using var producer = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = nsqd.Address });
        var body = new byte[100];
        for (var i = 0; i < 5000; i++) await producer.PublishAsync("t", body);
        const int count = 20_000;
        var before = Allocated();
        for (var i = 0; i < count; i++) await producer.PublishAsync("t", body);
        var perMessage = (Allocated() - before) / (double)count;
        output.WriteLine($"{perMessage:F2} bytes per message");
        Assert.True(perMessage < 160, $"{perMessage:F1} bytes allocated per PUB (one Task is about 100)");
    }

    [OptimizedBuildFact]
    public async Task Consuming_with_a_handler_allocates_nothing_per_message()
    {
        await using var nsqd = new LoopbackNsqd();
        await using var consumer = new NsqConsumer(new NsqConsumerOptions
        {
            Topic = "t",
            Channel = "ch",
            NsqdTcpAddresses = [nsqd.Address],
            MaxInFlight = 2500,
            MaxAttempts = 0,
        });
        const long warmup = 30_000, measured = 100_000;
        long handled = 0, before = 0, after = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource(TestTimeout * 3);
        var run = consumer.RunAsync((m, _) =>
        {
            var n = ++handled;
            if (n == warmup) before = Allocated();
            else if (n == warmup + measured)
            {
                after = Allocated();
                done.TrySetResult();
            }
            return ValueTask.CompletedTask;
        }, cts.Token);
        await done.Task.WaitAsync(TestTimeout * 3);
        await consumer.StopAsync(cts.Token);
        await run;
        var perMessage = (after - before) / (double)measured;
        output.WriteLine($"{perMessage:F2} bytes per message");
        Assert.True(perMessage < 8, $"{perMessage:F2} bytes allocated per consumed message");
    }
}
