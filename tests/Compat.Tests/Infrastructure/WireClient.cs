using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nsq.Protocol.V2;

namespace Compat.Tests.Infrastructure;

/// <summary>A minimal raw V2 client: the test's own side of the cross-checks with nsqjs.</summary>
public sealed class WireClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly ArrayBufferWriter<byte> _out = new();

    private WireClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<WireClient> ConnectAsync(IPEndPoint ep)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(ep.Address, ep.Port);
        var c = new WireClient(tcp);
        await c.SendAsync(o => o.Write(ProtocolMagic.V2));
        return c;
    }

    public async Task SendAsync(Action<IBufferWriter<byte>> write)
    {
        _out.ResetWrittenCount();
        write(_out);
        await _stream.WriteAsync(_out.WrittenMemory);
    }

    public async Task<(FrameType Type, byte[] Data)> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var head = new byte[4];
        await _stream.ReadExactlyAsync(head, cts.Token);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(head)];
        await _stream.ReadExactlyAsync(body, cts.Token);
        return ((FrameType)BinaryPrimitives.ReadInt32BigEndian(body), body[4..]);
    }

    /// <summary>The next frame that is not a heartbeat (answered with NOP), as text; errors prefixed with "ERR ".</summary>
    public async Task<(FrameType Type, byte[] Data)> ReadNonHeartbeatAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var f = await ReadFrameAsync(timeout);
            if (f.Type == FrameType.Response && f.Data.AsSpan().SequenceEqual(Responses.Heartbeat))
            {
                await SendAsync(CommandWriter.Nop);
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
            var f = await ReadNonHeartbeatAsync(left);
            if (f.Type != FrameType.Message) throw new InvalidOperationException($"expected a message, got {f.Type} {Encoding.UTF8.GetString(f.Data)}");
            var attempts = BinaryPrimitives.ReadUInt16BigEndian(f.Data.AsSpan(8));
            var id = f.Data[10..26];
            got.Add((attempts, Encoding.UTF8.GetString(f.Data, 26, f.Data.Length - 26)));
            await SendAsync(o => CommandWriter.Fin(o, id));
        }
        return got;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
