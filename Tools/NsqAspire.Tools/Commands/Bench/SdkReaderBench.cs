using System.Diagnostics;
using Nsq.Client;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// bench_reader through the SDK (<c>--client sdk</c>): one <see cref="NsqConsumer"/> with <c>--connections</c>
/// connections to the nsqd, MaxInFlight = <c>--rdy</c> × connections (so each gets RDY <c>--rdy</c>, as the raw reader),
/// and a handler that only counts (the SDK sends the FIN). Ends after <c>--runfor</c> or, with <c>--idle-exit</c>, once
/// the backlog is drained, the duration then ending at the last message.
/// </summary>
internal static class SdkReaderBench
{
    public static async Task<BenchResult> RunAsync(BenchOptions o, CancellationToken interrupt)
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
            await BenchRunner.WaitForDeadlineAsync(o, interrupt).ConfigureAwait(false);
            using var stop = new StopSignal(interrupt);
            WorkerStats[] counter = [new WorkerStats()];
            var gcBefore = GcSnapshot.Take();
            var start = Stopwatch.GetTimestamp();
            var run = consumer.RunAsync((_, _) =>
            {
                Interlocked.Increment(ref counter[0].Messages);
                return ValueTask.CompletedTask;
            }, CancellationToken.None);
            _ = BenchProgress.RunAsync("reader", "msgs", counter, start, o.EffectiveProgress, stop);
            var (messages, end) = await ReaderBench.WaitForEndAsync(o, counter, start, stop).ConfigureAwait(false);
            stop.Set();
            var gc = GcSnapshot.Take().Since(gcBefore);
            await consumer.StopAsync().ConfigureAwait(false);
            await run.ConfigureAwait(false);
            return new BenchResult("reader", o, messages, BenchResult.ElapsedNanoseconds(start, end), gc, 0, null);
        }
    }
}
