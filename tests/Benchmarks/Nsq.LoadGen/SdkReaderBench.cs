using System.Diagnostics;
using Nsq.Client;

namespace Nsq.LoadGen;

/// <summary>
/// bench_reader through the SDK (<c>--client sdk</c>): one <see cref="NsqConsumer"/> with <c>--connections</c>
/// connections to the nsqd, MaxInFlight = <c>--rdy</c> × connections (so each gets RDY <c>--rdy</c>, as the raw reader),
/// and a handler that only counts (the SDK sends the FIN). Ends after <c>--runfor</c> or, with <c>--idle-exit</c>, once
/// the backlog is drained, the duration then ending at the last message.
/// </summary>
internal static class SdkReaderBench
{
    public static async Task<BenchResult> RunAsync(LoadGenOptions o)
    {
        var consumer = new NsqConsumer(new NsqConsumerOptions
        {
            Topic = o.Topic,
            Channel = o.Channel,
            NsqdTcpAddresses = [.. Enumerable.Repeat(o.TcpAddress, o.Connections)],
            MaxInFlight = o.Rdy * o.Connections,
            HandlerConcurrency = o.Connections,
            MaxAttempts = 0,
            ClientId = "bench_reader_sdk",
        });
        await using (consumer.ConfigureAwait(false))
        {
            await Program.WaitForDeadlineAsync(o).ConfigureAwait(false);
            var counter = new WorkerStats();
            var gcBefore = GcSnapshot.Take();
            var start = Stopwatch.GetTimestamp();
            var run = consumer.RunAsync((_, _) =>
            {
                Interlocked.Increment(ref counter.Messages);
                return ValueTask.CompletedTask;
            });
            var (messages, end) = await WaitForEndAsync(o, counter, start).ConfigureAwait(false);
            var gc = GcSnapshot.Take().Since(gcBefore);
            await consumer.StopAsync().ConfigureAwait(false);
            await run.ConfigureAwait(false);
            return new BenchResult("reader", o, messages, BenchResult.ElapsedNanoseconds(start, end), gc, 0, null);
        }
    }

    /// <summary>Runfor, or idle-exit after the last message; returns the count and the timestamp the measurement ends at.</summary>
    private static async Task<(long Messages, long End)> WaitForEndAsync(LoadGenOptions o, WorkerStats counter, long start)
    {
        var runForTicks = (long)(o.RunFor.TotalSeconds * Stopwatch.Frequency);
        var idleTicks = (long)(o.EffectiveIdleExit.TotalSeconds * Stopwatch.Frequency);
        long last = 0;
        var lastChange = start;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (await timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            var now = Stopwatch.GetTimestamp();
            var total = Volatile.Read(ref counter.Messages);
            if (now - start >= runForTicks) return (total, now);
            if (total != last)
            {
                (last, lastChange) = (total, now);
            }
            else if (idleTicks > 0 && now - lastChange >= idleTicks)
            {
                return (total, lastChange);
            }
        }
        return (last, lastChange);
    }
}
