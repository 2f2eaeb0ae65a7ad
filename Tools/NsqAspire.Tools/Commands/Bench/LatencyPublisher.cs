using System.Buffers.Binary;
using System.Diagnostics;
using Nsq.Protocol.V2;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// Latency mode's publisher, in go-nsq's write pattern: one connection, one MPUB of <c>--batch</c> messages every
/// batch/rate seconds, each written and flushed on its own and its OK awaited before the next (go-nsq's
/// <c>MultiPublish</c>: one command in flight per call). Behind schedule, the next MPUB goes out at once, so no batch is
/// skipped; publishing ends at the end of the window.
/// </summary>
internal static class LatencyPublisher
{
    /// <param name="InWindow">Messages acknowledged whose send time lies in the window.</param>
    /// <param name="End">The <see cref="Stopwatch"/> timestamp of the last OK.</param>
    public readonly record struct Published(long InWindow, long End);

    /// <summary>Publishes from <paramref name="start"/> (a <see cref="Stopwatch"/> timestamp) until the window closes.</summary>
    public static async Task<Published> RunAsync(NsqConnection c, BenchOptions o, long start, long windowStartNs, long windowEndNs, StopSignal stop)
    {
        // One body shared by every message of the batch: stamping it once per MPUB stamps them all.
        var body = new byte[o.Size];
        for (var i = sizeof(long); i < body.Length; i++) body[i] = (byte)('a' + (i % 26));
        var batch = new ReadOnlyMemory<byte>[o.Batch];
        Array.Fill(batch, body);

        var ticksPerBatch = o.Batch * (double)Stopwatch.Frequency / o.Rate;
        var scheduleEnd = start + (long)((o.Warmup + o.Duration).TotalSeconds * Stopwatch.Frequency);
        long inWindow = 0;
        for (long k = 0; !stop.IsSet; k++)
        {
            var due = start + (long)(k * ticksPerBatch);
            if (due >= scheduleEnd) break;
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero && !await DelayAsync(wait, stop).ConfigureAwait(false)) break;

            var sent = LatencyBench.UnixNanoseconds();
            BinaryPrimitives.WriteInt64BigEndian(body, sent);
            CommandWriter.Mpub(c.Output, o.Topic, batch);
            await c.FlushAsync().ConfigureAwait(false);
            await c.ExpectOkAsync("MPUB").ConfigureAwait(false);
            if (sent >= windowStartNs && sent < windowEndNs) inWindow += batch.Length;
        }
        return new Published(inWindow, Stopwatch.GetTimestamp());
    }

    /// <summary>Sleeps until the MPUB is due, in whole milliseconds rounded up (the timer's granularity): never early;
    /// a late wake-up is made up by the catch-up. False when the run was stopped meanwhile.</summary>
    private static async ValueTask<bool> DelayAsync(TimeSpan wait, StopSignal stop)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
