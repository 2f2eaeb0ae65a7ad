using System.Diagnostics;
using System.Net;
using Nsq.Protocol.V2;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// bench_reader (spec §8): per connection IDENTIFY + <c>SUB topic channel</c>, then <c>RDY --rdy</c>, FIN for every message.
/// bench_reader flushes its FINs when more than 75% of RDY are unflushed; with an async socket the FINs of everything a
/// receive brought in are sent together after parsing it, which never holds back more than that. The run ends after
/// <c>--runfor</c>, or — with <c>--idle-exit</c> — once the backlog is drained, the duration then ending at the last message.
/// </summary>
internal static class ReaderBench
{
    private const int ReceiveBufferSize = 256 * 1024;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public static async Task CreateChannelAsync(BenchOptions o, EndPoint endPoint, CancellationToken interrupt)
    {
        using var c = await NsqConnection.ConnectAsync(endPoint, 4096, 4096, interrupt).ConfigureAwait(false);
        c.WriteHandshake("bench_create_channel");
        CommandWriter.Sub(c.Output, o.Topic, o.Channel);
        await c.FlushAsync().ConfigureAwait(false);
        await c.ExpectOkAsync("IDENTIFY").ConfigureAwait(false);
        await c.ExpectOkAsync("SUB").ConfigureAwait(false);
    }

    /// <summary>One receive buffer's worth of FINs at most (a FIN is 21 bytes, a message frame at least 34 + size).</summary>
    private static int OutputBufferSize(BenchOptions o) => Math.Max(64 * 1024, ReceiveBufferSize / (34 + o.Size) * 21 + 4096);

    public static async Task<BenchResult> RunAsync(BenchOptions o, EndPoint endPoint, CancellationToken interrupt)
    {
        var connections = new NsqConnection[o.Connections];
        var stats = new WorkerStats[o.Connections];
        try
        {
            for (var i = 0; i < connections.Length; i++)
            {
                var c = connections[i] = await NsqConnection.ConnectAsync(endPoint, ReceiveBufferSize, OutputBufferSize(o), interrupt).ConfigureAwait(false);
                // Pipelined like bench_reader: IDENTIFY and SUB go out together, then both OKs are read.
                c.WriteHandshake("bench_reader");
                CommandWriter.Sub(c.Output, o.Topic, o.Channel);
                await c.FlushAsync().ConfigureAwait(false);
                await c.ExpectOkAsync("IDENTIFY").ConfigureAwait(false);
                await c.ExpectOkAsync("SUB").ConfigureAwait(false);
                stats[i] = new WorkerStats();
            }
            using var run = await TimedRun.StartAsync("reader", o, connections, stats, (c, s, stop) => WorkerAsync(c, o, s, stop), interrupt).ConfigureAwait(false);

            var (messages, end) = await WaitForEndAsync(o, stats, run.Start, run.Stop).ConfigureAwait(false);
            run.Stop.Set();
            var gc = GcSnapshot.Take().Since(run.GcBefore);
            // Unblock the pending receives: closing the sockets is the stop signal a reader waiting for data sees.
            foreach (var c in connections) c.Dispose();
            await run.Workers.ConfigureAwait(false);
            return run.Result("reader", o, stats, end, gc, messages);
        }
        finally
        {
            foreach (var c in connections) c?.Dispose();
        }
    }

    /// <summary>
    /// Waits for runfor, idle-exit or Ctrl+C (the SDK reader too); returns the count and the timestamp the measurement
    /// ends at: the last message's when the reader went idle.
    /// </summary>
    public static async Task<(long Messages, long End)> WaitForEndAsync(BenchOptions o, WorkerStats[] stats, long start, StopSignal stop)
    {
        var runForTicks = (long)(o.RunFor.TotalSeconds * Stopwatch.Frequency);
        var idleTicks = (long)(o.IdleExit.TotalSeconds * Stopwatch.Frequency);
        long last = 0;
        var lastChange = start;
        using var timer = new PeriodicTimer(PollInterval);
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            var total = BenchProgress.Sum(stats);
            if (now - start >= runForTicks || stop.IsSet) return (total, now);
            if (total != last)
            {
                (last, lastChange) = (total, now);
            }
            else if (idleTicks > 0 && now - lastChange >= idleTicks)
            {
                return (total, lastChange);
            }
            await timer.WaitForNextTickAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The hot loop: parse every frame in place, FIN each message by its 16 id bytes, flush once per receive.</summary>
    private static async Task WorkerAsync(NsqConnection c, BenchOptions o, WorkerStats stats, StopSignal stop)
    {
        var output = c.Output;
        long messages = 0;
        try
        {
            CommandWriter.Rdy(output, o.Rdy);
            await c.FlushAsync().ConfigureAwait(false);
            while (!stop.IsSet)
            {
                if (!await c.ReceiveAsync().ConfigureAwait(false))
                {
                    if (!stop.IsSet) throw new IOException("connection closed by nsqd");
                    break;
                }
                while (c.TryReadFrame(out var frame))
                {
                    var data = frame.Data.FirstSpan;
                    switch (frame.Type)
                    {
                        case FrameType.Message:
                            CommandWriter.Fin(output, data.Slice(MessageLayout.IdOffset, MessageId.Length));
                            messages++;
                            break;
                        case FrameType.Response when data.SequenceEqual(Responses.Heartbeat):
                            CommandWriter.Nop(output);
                            break;
                        case FrameType.Error:
                            // E_FIN_FAILED is non-fatal; anything else closes the connection and shows up as EOF next.
                            stats.Errors++;
                            stats.FirstError ??= NsqConnection.Text(frame);
                            break;
                    }
                }
                if (output.WrittenCount > 0) await c.FlushAsync().ConfigureAwait(false);
                // Counted once their FINs are sent: a run cut off between parse and flush leaves those messages to
                // be redelivered, and the count stays what nsqd saw finished.
                Volatile.Write(ref stats.Messages, messages);
            }
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidDataException)
        {
            if (!stop.IsSet)
            {
                stats.Errors++;
                stats.FirstError ??= ex.Message;
            }
        }
    }
}
