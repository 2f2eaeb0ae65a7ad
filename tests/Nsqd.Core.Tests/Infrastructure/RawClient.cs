using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nsq.Protocol.V2;

namespace Nsqd.Core.Tests.Infrastructure;

/// <summary>
/// A raw-socket V2 client for transcript-style tests: send exact bytes, read exact frames (with a deadline), and tell
/// whether the server closed the connection.
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly ArrayBufferWriter<byte> _out = new();

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public Stream Stream { get => _stream; set => _stream = value; }
    public NetworkStream NetworkStream => _tcp.GetStream();

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
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
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
            await _stream.ReadExactlyAsync(head, cts.Token);
            var size = BinaryPrimitives.ReadInt32BigEndian(head);
            var body = new byte[size];
            await _stream.ReadExactlyAsync(body, cts.Token);
            return ((FrameType)BinaryPrimitives.ReadInt32BigEndian(body), body[4..]);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no frame within the timeout");
        }
    }

    /// <summary>Reads frames, skipping heartbeats.</summary>
    public async Task<(FrameType Type, byte[] Data)> ReadNonHeartbeatAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var f = await ReadFrameAsync(timeout);
            if (f.Type == FrameType.Response && f.Data.AsSpan().SequenceEqual(Responses.Heartbeat)) continue;
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
                var n = await _stream.ReadAsync(buf, cts.Token);
                if (n == 0) return true;
            }
        }
        catch (OperationCanceledException) { return false; }
        catch (IOException) { return true; }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
