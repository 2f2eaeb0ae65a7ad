using System.Diagnostics;
using Nsq.Client;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// bench_writer through the SDK (<c>--client sdk</c>): one <see cref="NsqProducer"/> per connection, each keeping
/// <c>--pipeline</c> <see cref="NsqProducer.MultiPublishAsync"/> calls of <c>--batch-size</c> messages outstanding, timed
/// as <see cref="WriterBench"/> is, so the two print comparable lines. With <c>--traceparent</c> every message carries
/// one W3C <c>traceparent</c> header (a fixed one: the cost measured is the header's, not a span's).
/// </summary>
internal static class SdkWriterBench
{
    private const string BenchTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    public static async Task<BenchResult> RunAsync(BenchOptions o, CancellationToken interrupt)
    {
        var batch = WriterBench.Batch(o);
        var headers = o.TraceParent ? new NsqHeaders { { NsqTelemetry.TraceParentHeader, BenchTraceParent } } : null;

        var producers = new NsqProducer[o.Connections];
        var stats = new WorkerStats[o.Connections];
        try
        {
            for (var i = 0; i < producers.Length; i++)
            {
                producers[i] = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = o.TcpAddress, ClientId = "bench_writer_sdk" });
                await producers[i].ConnectAsync(interrupt).ConfigureAwait(false);
                stats[i] = new WorkerStats();
            }
            using var run = await TimedRun.StartAsync("writer", o, producers, stats, (p, s, stop) => WorkerAsync(p, o, batch, headers, s, stop), interrupt).ConfigureAwait(false);
            await run.StopAfterRunForAsync(o).ConfigureAwait(false);
            await run.Workers.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            var end = Stopwatch.GetTimestamp();
            return run.Result("writer", o, stats, end, GcSnapshot.Take().Since(run.GcBefore));
        }
        finally
        {
            foreach (var p in producers)
                if (p is not null) await p.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Keeps <c>--pipeline</c> MPUBs in flight on the producer until told to stop, then waits for the last answers.</summary>
    private static async Task WorkerAsync(NsqProducer producer, BenchOptions o, ReadOnlyMemory<byte>[] batch, NsqHeaders? headers, WorkerStats stats, StopSignal stop)
    {
        var inFlight = new Queue<ValueTask>(o.Pipeline);
        long messages = 0;
        try
        {
            while (true)
            {
                while (inFlight.Count < o.Pipeline && !stop.IsSet) inFlight.Enqueue(producer.MultiPublishAsync(o.Topic, batch, headers));
                if (inFlight.Count == 0) break;
                await inFlight.Dequeue().ConfigureAwait(false);
                messages += batch.Length;
                Volatile.Write(ref stats.Messages, messages);
            }
        }
        catch (NsqException ex)
        {
            stats.Errors++;
            stats.FirstError ??= ex.Message;
        }
    }
}
