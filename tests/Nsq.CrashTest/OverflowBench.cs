using System.Diagnostics;
using System.Net;
using Nsq.Protocol.V2;
using Nsq.TestUtilities.Wire;

namespace Nsq.CrashTest;

/// <summary>
/// The disk overflow path (tests/Benchmarks/bench-overflow.sh): with a channel subscribed but not ready, MPUB <c>count</c> messages
/// of <c>size</c> bytes (far more than --mem-queue-size, so nearly all go to the channel's disk queue), then read
/// them all back with FIN. Prints the write and read rates.
/// </summary>
public static class OverflowBench
{
    private const int Batch = 200;
    private const int Pipeline = 4;

    public static async Task<int> RunAsync(IPEndPoint nsqd, long count, int size, int connections, string topic)
    {
        var readers = new List<PipelinedConnection>();
        for (var i = 0; i < connections; i++)
        {
            var c = await PipelinedConnection.OpenAsync(nsqd, default).ConfigureAwait(false);
            CommandWriter.Sub(c.Output, topic, "ch");
            await c.SendAsync(default).ConfigureAwait(false);
            await c.ExpectOkAsync(default).ConfigureAwait(false);
            readers.Add(c);
        }

        var body = new byte[size];
        var bodies = Enumerable.Repeat((ReadOnlyMemory<byte>)body, Batch).ToArray();
        long batches = (count + Batch - 1) / Batch;
        long next = 0;
        var write = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            await using var c = await PipelinedConnection.OpenAsync(nsqd, default).ConfigureAwait(false);
            var outstanding = 0;
            while (true)
            {
                while (outstanding < Pipeline && Interlocked.Increment(ref next) <= batches)
                {
                    CommandWriter.Mpub(c.Output, topic, bodies);
                    outstanding++;
                }
                if (outstanding == 0) return;
                await c.SendAsync(default).ConfigureAwait(false);
                await c.ExpectOkAsync(default).ConfigureAwait(false);
                outstanding--;
            }
        }))).ConfigureAwait(false);
        write.Stop();
        var written = batches * Batch;
        var mb = written * (double)size / 1e6;
        Console.WriteLine($"[write] msgs={written} size={size} seconds={write.Elapsed.TotalSeconds:F2} " +
            $"msgs_per_sec={written / write.Elapsed.TotalSeconds:F0} mb_per_sec={mb / write.Elapsed.TotalSeconds:F1}");

        long received = 0;
        using var done = new CancellationTokenSource();
        var read = Stopwatch.StartNew();
        await Task.WhenAll(readers.Select(c => Task.Run(async () =>
        {
            CommandWriter.Rdy(c.Output, 2500);
            await c.SendAsync(default).ConfigureAwait(false);
            while (Interlocked.Read(ref received) < written)
            {
                try
                {
                    if (!await c.ReceiveAsync(done.Token).ConfigureAwait(false)) throw new IOException("closed by nsqd");
                }
                catch (OperationCanceledException)
                {
                    return; // another connection received the last ones
                }
                var got = 0;
                while (c.TryReadFrame(out var frame))
                {
                    if (frame.Type == FrameType.Message)
                    {
                        CommandWriter.Fin(c.Output, frame.Data.FirstSpan.Slice(MessageLayout.IdOffset, 16));
                        got++;
                    }
                    else if (PipelinedConnection.IsHeartbeat(frame))
                    {
                        CommandWriter.Nop(c.Output);
                    }
                }
                if (Interlocked.Add(ref received, got) >= written) await done.CancelAsync().ConfigureAwait(false);
                if (c.Output.WrittenCount > 0) await c.SendAsync(default).ConfigureAwait(false);
            }
        }))).ConfigureAwait(false);
        read.Stop();
        Console.WriteLine($"[read] msgs={received} seconds={read.Elapsed.TotalSeconds:F2} " +
            $"msgs_per_sec={received / read.Elapsed.TotalSeconds:F0} mb_per_sec={received * (double)size / 1e6 / read.Elapsed.TotalSeconds:F1}");
        foreach (var c in readers) await c.DisposeAsync().ConfigureAwait(false);
        return received >= written ? 0 : 1;
    }
}
