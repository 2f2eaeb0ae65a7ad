using System.Diagnostics;
using Nsq.Client;

namespace Nsq.LoadGen;

/// <summary>
/// bench_writer through the SDK (<c>--client sdk</c>): one <see cref="NsqProducer"/> per connection, each keeping
/// <c>--pipeline</c> <see cref="NsqProducer.MultiPublishAsync"/> calls of <c>--batch-size</c> messages outstanding, timed
/// as <see cref="WriterBench"/> is, so the two print comparable lines.
/// </summary>
internal static class SdkWriterBench
{
    public static async Task<BenchResult> RunAsync(LoadGenOptions o)
    {
        var body = new byte[o.Size];
        for (var i = 0; i < body.Length; i++) body[i] = (byte)('a' + (i % 26));
        var batch = new ReadOnlyMemory<byte>[o.BatchSize];
        Array.Fill(batch, body);

        var producers = new NsqProducer[o.Connections];
        var stats = new WorkerStats[o.Connections];
        try
        {
            for (var i = 0; i < producers.Length; i++)
            {
                producers[i] = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = o.TcpAddress, ClientId = "bench_writer_sdk" });
                await producers[i].ConnectAsync().ConfigureAwait(false);
                stats[i] = new WorkerStats();
            }
            await Program.WaitForDeadlineAsync(o).ConfigureAwait(false);

            var stop = new StopSignal();
            var gcBefore = GcSnapshot.Take();
            var start = Stopwatch.GetTimestamp();
            var workers = new Task[producers.Length];
            for (var i = 0; i < workers.Length; i++)
            {
                var (p, s) = (producers[i], stats[i]);
                workers[i] = Task.Run(() => WorkerAsync(p, o, batch, s, stop));
            }
            var all = Task.WhenAll(workers);
            if (await Task.WhenAny(all, Task.Delay(o.RunFor)).ConfigureAwait(false) != all) stop.Set();
            await all.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            var end = Stopwatch.GetTimestamp();
            var gc = GcSnapshot.Take().Since(gcBefore);

            long messages = 0, errors = 0;
            string? firstError = null;
            foreach (var s in stats)
            {
                messages += s.Messages;
                errors += s.Errors;
                firstError ??= s.FirstError;
            }
            return new BenchResult("writer", o, messages, BenchResult.ElapsedNanoseconds(start, end), gc, errors, firstError);
        }
        finally
        {
            foreach (var p in producers)
                if (p is not null) await p.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Keeps <c>--pipeline</c> MPUBs in flight on the producer until told to stop, then waits for the last answers.</summary>
    private static async Task WorkerAsync(NsqProducer producer, LoadGenOptions o, ReadOnlyMemory<byte>[] batch, WorkerStats stats, StopSignal stop)
    {
        var inFlight = new Queue<Task>(o.Pipeline);
        long messages = 0;
        try
        {
            while (true)
            {
                while (inFlight.Count < o.Pipeline && !stop.IsSet) inFlight.Enqueue(producer.MultiPublishAsync(o.Topic, batch));
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
