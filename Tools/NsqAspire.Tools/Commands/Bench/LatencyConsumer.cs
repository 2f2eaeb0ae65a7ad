using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Nsq.Protocol.V2;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// Latency mode's consumer, in go-nsq's write pattern: one connection, SUB, <c>RDY --max-in-flight</c> once, then one
/// FIN per message written and flushed on its own (one send per FIN, as go-nsq's and nsqjs's connections do), a NOP
/// for each heartbeat. Each message's latency is its receive time minus the send time its body starts with (Unix
/// nanoseconds, big-endian); only messages sent inside the measured window are counted.
/// </summary>
internal sealed class LatencyConsumer : IDisposable
{
    private const int ReceiveBufferSize = 256 * 1024;
    private readonly NsqConnection _connection;
    private long _windowStartNs;
    private long _windowEndNs;
    private long _delivered;

    private LatencyConsumer(NsqConnection connection) => _connection = connection;

    /// <summary>Latencies of the window's deliveries; read it once <see cref="RunAsync"/> has ended.</summary>
    public LatencyHistogram Histogram { get; } = new();

    /// <summary>Deliveries whose send time lies in the window, so far (any thread may read it).</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>Error frames received (E_FIN_FAILED, ...); the first one's text.</summary>
    public long Errors { get; private set; }

    public string? FirstError { get; private set; }

    /// <summary>Connects and subscribes, so that the channel exists before anything is published.</summary>
    public static async Task<LatencyConsumer> SubscribeAsync(BenchOptions o, EndPoint endPoint, CancellationToken ct)
    {
        var c = await NsqConnection.ConnectAsync(endPoint, ReceiveBufferSize, 4096, ct).ConfigureAwait(false);
        try
        {
            c.WriteHandshake("latency_consumer");
            await c.FlushAsync().ConfigureAwait(false);
            await c.ExpectOkAsync("IDENTIFY").ConfigureAwait(false);
            CommandWriter.Sub(c.Output, o.Topic, o.Channel);
            await c.FlushAsync().ConfigureAwait(false);
            await c.ExpectOkAsync("SUB").ConfigureAwait(false);
            return new LatencyConsumer(c);
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    /// <summary>Reads until <paramref name="stop"/> is set and the connection closed (<see cref="Dispose"/>); a connection
    /// lost before that is an <see cref="IOException"/>.</summary>
    public async Task RunAsync(long windowStartNs, long windowEndNs, int maxInFlight, StopSignal stop)
    {
        (_windowStartNs, _windowEndNs) = (windowStartNs, windowEndNs);
        var c = _connection;
        try
        {
            CommandWriter.Rdy(c.Output, maxInFlight);
            await c.FlushAsync().ConfigureAwait(false);
            while (await c.ReceiveAsync().ConfigureAwait(false))
            {
                while (c.TryReadFrame(out var frame))
                {
                    // Every command goes out on its own before the next frame is handled: no batching of FINs.
                    if (Handle(frame)) await c.FlushAsync().ConfigureAwait(false);
                }
            }
            if (!stop.IsSet) throw new IOException("connection closed by nsqd");
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException && stop.IsSet)
        {
            // Closed by Dispose at the end of the run.
        }
    }

    /// <summary>Handles one frame; true when it wrote a command (FIN or NOP) to send.</summary>
    private bool Handle(in Frame frame)
    {
        var data = frame.Data.FirstSpan;
        switch (frame.Type)
        {
            case FrameType.Message:
                var body = data[MessageLayout.HeaderLength..];
                if (body.Length >= sizeof(long))
                {
                    var sent = BinaryPrimitives.ReadInt64BigEndian(body);
                    if (sent >= _windowStartNs && sent < _windowEndNs)
                    {
                        Histogram.Record(LatencyBench.UnixNanoseconds() - sent);
                        Volatile.Write(ref _delivered, _delivered + 1);
                    }
                }
                CommandWriter.Fin(_connection.Output, data.Slice(MessageLayout.IdOffset, MessageId.Length));
                return true;
            case FrameType.Response when data.SequenceEqual(Responses.Heartbeat):
                CommandWriter.Nop(_connection.Output);
                return true;
            case FrameType.Error:
                Errors++;
                FirstError ??= NsqConnection.Text(frame);
                return false;
            default:
                return false;
        }
    }

    /// <summary>Closes the connection: the pending receive ends, and so does <see cref="RunAsync"/>.</summary>
    public void Dispose() => _connection.Dispose();
}
