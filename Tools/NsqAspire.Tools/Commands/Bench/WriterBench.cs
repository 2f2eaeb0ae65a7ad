using System.Diagnostics;
using System.Net;
using Nsq.Protocol.V2;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// bench_writer (spec §8): per connection IDENTIFY, then MPUB of <c>--batch-size</c> messages of <c>--size</c> bytes, waiting
/// for each <c>OK</c> (or keeping <c>--pipeline</c> MPUBs outstanding), until <c>--runfor</c> has passed. The clock runs from
/// the common start until the last worker has its last <c>OK</c>, as in Go.
/// </summary>
internal static class WriterBench
{
    private const int ReceiveBufferSize = 4096;

    public static async Task<BenchResult> RunAsync(BenchOptions o, EndPoint endPoint, CancellationToken interrupt)
    {
        var batch = Batch(o);

        // MPUB <topic>\n + body size + count + (size + body) per message, times the MPUBs in flight.
        var mpubSize = 5 + System.Text.Encoding.UTF8.GetMaxByteCount(o.Topic.Length) + 1 + 8 + o.BatchSize * (4 + o.Size);
        var outputSize = o.Pipeline * mpubSize + 4096;
        var connections = new NsqConnection[o.Connections];
        var stats = new WorkerStats[o.Connections];
        try
        {
            for (var i = 0; i < connections.Length; i++)
            {
                connections[i] = await NsqConnection.ConnectAsync(endPoint, ReceiveBufferSize, outputSize, interrupt).ConfigureAwait(false);
                connections[i].WriteHandshake("bench_writer");
                await connections[i].FlushAsync().ConfigureAwait(false);
                await connections[i].ExpectOkAsync("IDENTIFY").ConfigureAwait(false);
                stats[i] = new WorkerStats();
            }
            using var run = await TimedRun.StartAsync("writer", o, connections, stats, (c, s, stop) => WorkerAsync(c, o, batch, s, stop), interrupt).ConfigureAwait(false);
            await run.StopAfterRunForAsync(o).ConfigureAwait(false);
            // Each worker ends after the OK of its last MPUB; a broker that stops answering must not hang the tool.
            if (await Task.WhenAny(run.Workers, Task.Delay(TimeSpan.FromSeconds(30))).ConfigureAwait(false) != run.Workers)
            {
                foreach (var c in connections) c.Dispose();
            }
            await run.Workers.ConfigureAwait(false);
            var end = Stopwatch.GetTimestamp();
            return run.Result("writer", o, stats, end, GcSnapshot.Take().Since(run.GcBefore));
        }
        finally
        {
            foreach (var c in connections) c?.Dispose();
        }
    }

    /// <summary>
    /// <c>--batch-size</c> references to one body of <c>--size</c> bytes (a-z repeated): what every MPUB sends, raw or
    /// through the SDK.
    /// </summary>
    public static ReadOnlyMemory<byte>[] Batch(BenchOptions o)
    {
        var body = new byte[o.Size];
        for (var i = 0; i < body.Length; i++) body[i] = (byte)('a' + (i % 26));
        var batch = new ReadOnlyMemory<byte>[o.BatchSize];
        Array.Fill(batch, body);
        return batch;
    }

    /// <summary>The hot loop: encode with <see cref="CommandWriter.Mpub"/> into the reused output buffer, send, read OKs.</summary>
    private static async Task WorkerAsync(NsqConnection c, BenchOptions o, ReadOnlyMemory<byte>[] batch, WorkerStats stats, StopSignal stop)
    {
        var output = c.Output;
        var outstanding = 0;
        long messages = 0;
        try
        {
            while (true)
            {
                while (outstanding < o.Pipeline && !stop.IsSet)
                {
                    CommandWriter.Mpub(output, o.Topic, batch);
                    outstanding++;
                }
                if (output.WrittenCount > 0) await c.FlushAsync().ConfigureAwait(false);
                if (outstanding == 0) break;

                var acked = 0;
                while (acked == 0)
                {
                    while (c.TryReadFrame(out var frame))
                    {
                        var data = frame.Data.FirstSpan;
                        if (frame.Type == FrameType.Response && data.SequenceEqual(Responses.Ok))
                        {
                            acked++;
                        }
                        else if (frame.Type == FrameType.Response && data.SequenceEqual(Responses.Heartbeat))
                        {
                            CommandWriter.Nop(output);
                        }
                        else
                        {
                            // Every error after IDENTIFY is fatal for a publisher (E_BAD_TOPIC, E_MPUB_FAILED, ...).
                            throw new IOException($"MPUB: {frame.Type} {NsqConnection.Text(frame)}");
                        }
                    }
                    if (acked == 0 && !await c.ReceiveAsync().ConfigureAwait(false))
                        throw new IOException("connection closed by nsqd");
                }
                outstanding -= acked;
                messages += (long)acked * batch.Length;
                Volatile.Write(ref stats.Messages, messages);
            }
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidDataException)
        {
            stats.Errors++;
            stats.FirstError ??= ex.Message;
        }
    }
}
