using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Nsq.Protocol.V2;

namespace Nsq.TestUtilities.Wire;

/// <summary>
/// A raw-socket V2 client for transcript-style tests: send exact bytes, read exact frames (with a deadline), and tell
/// whether the server closed the connection. Also the test's own side of the cross-checks with other clients (nsqjs).
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _reader;
    private Stream _writer;
    private readonly ArrayBufferWriter<byte> _out = new();

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _reader = _writer = tcp.GetStream();
    }

    /// <summary>The stream frames go over; setting it (e.g. to an SslStream) replaces both directions.</summary>
    public Stream Stream
    {
        get => _reader;
        set => _reader = _writer = value;
    }

    public NetworkStream NetworkStream => _tcp.GetStream();

    /// <summary>
    /// Answer heartbeats with NOP while skipping them (a long-lived peer in a cross-check); off for transcript tests,
    /// where a NOP nobody asked for would change what the broker sees.
    /// </summary>
    public bool AnswerHeartbeats { get; set; }

    /// <summary>
    /// Separate read and write streams over the connection: compression puts a decompressor on one side and a compressor
    /// on the other. Disposing the client disposes both.
    /// </summary>
    public void UseStreams(Stream reader, Stream writer)
    {
        _reader = reader;
        _writer = writer;
    }

    public static async Task<RawClient> ConnectAsync(IPEndPoint ep, bool magic = true)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(ep.Address, ep.Port);
        var c = new RawClient(tcp);
        if (magic) await c.SendAsync(ProtocolMagic.V2.ToArray());
        return c;
    }

    public async Task SendAsync(byte[] bytes)
    {
        await _writer.WriteAsync(bytes);
        await _writer.FlushAsync();
    }

    public Task SendAsync(string line) => SendAsync(Encoding.UTF8.GetBytes(line));

    /// <summary>Writes with the shared <see cref="CommandWriter"/> and sends.</summary>
    public async Task SendAsync(Action<IBufferWriter<byte>> write)
    {
        _out.ResetWrittenCount();
        write(_out);
        await SendAsync(_out.WrittenSpan.ToArray());
    }

    public Task IdentifyAsync(object json)
        => SendAsync(o => CommandWriter.Identify(o, JsonSerialize(json)));

    public static byte[] JsonSerialize(object json) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(json);

    /// <summary>Reads one frame; throws TimeoutException when none arrives within the timeout, EndOfStreamException when closed.</summary>
    public async Task<(FrameType Type, byte[] Data)> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        var head = new byte[4];
        try
        {
            await _reader.ReadExactlyAsync(head, cts.Token);
            var size = BinaryPrimitives.ReadInt32BigEndian(head);
            var body = new byte[size];
            await _reader.ReadExactlyAsync(body, cts.Token);
            return ((FrameType)BinaryPrimitives.ReadInt32BigEndian(body), body[4..]);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no frame within the timeout");
        }
    }

    /// <summary>Reads frames, skipping heartbeats (answered with NOP when <see cref="AnswerHeartbeats"/>).</summary>
    public async Task<(FrameType Type, byte[] Data)> ReadNonHeartbeatAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var f = await ReadFrameAsync(timeout);
            if (f.Type == FrameType.Response && f.Data.AsSpan().SequenceEqual(Responses.Heartbeat))
            {
                if (AnswerHeartbeats) await SendAsync(CommandWriter.Nop);
                continue;
            }
            return f;
        }
    }

    public async Task<string> ReadResponseTextAsync(TimeSpan? timeout = null)
    {
        var f = await ReadNonHeartbeatAsync(timeout);
        return (f.Type == FrameType.Error ? "ERR " : "") + Encoding.UTF8.GetString(f.Data);
    }

    public async Task<(long Ts, ushort Attempts, string Id, byte[] Body)> ReadMessageAsync(TimeSpan? timeout = null)
    {
        var f = await ReadNonHeartbeatAsync(timeout);
        if (f.Type != FrameType.Message) throw new InvalidOperationException($"expected a message, got {f.Type} {Encoding.UTF8.GetString(f.Data)}");
        var ts = BinaryPrimitives.ReadInt64BigEndian(f.Data);
        var attempts = BinaryPrimitives.ReadUInt16BigEndian(f.Data.AsSpan(8));
        var id = Encoding.ASCII.GetString(f.Data, 10, 16);
        return (ts, attempts, id, f.Data[26..]);
    }

    /// <summary>True when the server closes the connection within the timeout (EOF or reset), reading past any frames.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        var buf = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _reader.ReadAsync(buf, cts.Token);
                if (n == 0) return true;
            }
        }
        catch (OperationCanceledException) { return false; }
        catch (IOException) { return true; }
    }

    /// <summary>PUB one text body and fail unless the broker answers OK.</summary>
    public async Task PublishAsync(string topic, string body)
    {
        await SendAsync(o => CommandWriter.Pub(o, topic, Encoding.UTF8.GetBytes(body)));
        var r = await ReadResponseTextAsync();
        if (r != "OK") throw new InvalidOperationException($"PUB {topic}: {r}");
    }

    /// <summary>SUB, RDY <paramref name="count"/>, then read and FIN <paramref name="count"/> messages.</summary>
    public async Task<List<(ushort Attempts, string Body)>> ConsumeAsync(string topic, string channel, int count, TimeSpan timeout)
    {
        await SendAsync(o => CommandWriter.Sub(o, topic, channel));
        var r = await ReadResponseTextAsync();
        if (r != "OK") throw new InvalidOperationException($"SUB {topic} {channel}: {r}");
        await SendAsync(o => CommandWriter.Rdy(o, count));
        var got = new List<(ushort, string)>();
        var deadline = DateTime.UtcNow + timeout;
        while (got.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"only {got.Count} of {count} messages arrived");
            var m = await ReadMessageAsync(left);
            got.Add((m.Attempts, Encoding.UTF8.GetString(m.Body)));
            await SendAsync(o => CommandWriter.Fin(o, Encoding.ASCII.GetBytes(m.Id)));
        }
        return got;
    }

    public async ValueTask DisposeAsync()
    {
        if (!ReferenceEquals(_writer, _reader)) await Quietly(_writer);
        await Quietly(_reader);
        _tcp.Dispose();
    }

    /// <summary>A broken connection cannot flush a compressor's tail; that is fine when closing.</summary>
    private static async Task Quietly(Stream s)
    {
        try
        {
            await s.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }
}
