using System.Buffers;
using System.Buffers.Binary;
using Nsq.Protocol.V2;

namespace Nsq.TestUtilities.Servers;

/// <summary>
/// A fake nsqd that costs nothing per message, so an allocation measurement of the SDK is not polluted by a broker:
/// it answers every PUB/MPUB/DPUB with OK, or after SUB sends the same pre-encoded message frames over and over, as many
/// as RDY allows (a FIN frees one), as nsqd would. Buffers are allocated once.
/// </summary>
public sealed class LoopbackNsqd : IAsyncDisposable
{
    private static readonly byte[] IdentifyResponse = Frame(FrameType.Response, """{"max_rdy_count":2500,"version":"1.3.0","msg_timeout":60000}"""u8);
    private static readonly byte[] Ok = Frame(FrameType.Response, "OK"u8);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _messages;
    private readonly int _messageFrameLength;
    private readonly Task _accept;

    public LoopbackNsqd(int messagesPerWrite = 64, int bodySize = 100)
    {
        var w = new ArrayBufferWriter<byte>();
        var body = new byte[bodySize];
        for (var i = 0; i < messagesPerWrite; i++) FrameWriter.WriteMessage(w, 1, 1, (ulong)i + 1, body);
        _messages = w.WrittenSpan.ToArray();
        _messageFrameLength = _messages.Length / messagesPerWrite;
        _listener.Start();
        _accept = AcceptLoopAsync();
    }

    public string Address => _listener.LocalEndpoint.ToString()!;

    private static byte[] Frame(FrameType type, ReadOnlySpan<byte> data)
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.Write(w, type, data);
        return w.WrittenSpan.ToArray();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                socket.NoDelay = true;
                _ = ServeAsync(socket);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var input = new byte[256 * 1024];
        var output = new byte[64 * 1024];
        int start = 0, end = 0;
        long ready = 0, inFlight = 0;
        var perWrite = _messages.Length / _messageFrameLength;
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(input.AsMemory(end), SocketFlags.None, _stop.Token);
                if (n == 0) break;
                end += n;
                var written = 0;
                while (TryCommand(input.AsSpan(start, end - start), out var consumed, out var reply))
                {
                    var line = input.AsSpan(start, consumed);
                    if (line.StartsWith("FIN "u8)) inFlight--;
                    else if (line.StartsWith("RDY "u8)) ready = long.Parse(line[4..^1], provider: null);
                    start += consumed;
                    if (reply is null) continue;
                    if (written + reply.Length > output.Length)
                    {
                        await socket.SendAsync(output.AsMemory(0, written), SocketFlags.None, _stop.Token);
                        written = 0;
                    }
                    reply.CopyTo(output, written);
                    written += reply.Length;
                }
                if (written > 0) await socket.SendAsync(output.AsMemory(0, written), SocketFlags.None, _stop.Token);
                while (ready - inFlight >= perWrite)
                {
                    await socket.SendAsync(_messages, SocketFlags.None, _stop.Token);
                    inFlight += perWrite;
                }
                // Keep the unparsed tail at the front.
                input.AsSpan(start, end - start).CopyTo(input);
                (start, end) = (0, end - start);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        socket.Dispose();
    }

    /// <summary>Parses one command (magic, IDENTIFY, PUB, MPUB, DPUB, SUB, or a bodiless one) and what to answer.</summary>
    private static bool TryCommand(ReadOnlySpan<byte> data, out int consumed, out byte[]? reply)
    {
        consumed = 0;
        reply = null;
        if (data.StartsWith("  V2"u8))
        {
            consumed = 4;
            return true;
        }
        var newline = data.IndexOf((byte)'\n');
        if (newline < 0) return false;
        var line = data[..newline];
        var hasBody = line.StartsWith("IDENTIFY"u8) || line.StartsWith("PUB "u8) || line.StartsWith("MPUB "u8) || line.StartsWith("DPUB "u8) || line.StartsWith("AUTH"u8);
        consumed = newline + 1;
        if (hasBody)
        {
            if (data.Length < consumed + 4) return false;
            var size = BinaryPrimitives.ReadInt32BigEndian(data[consumed..]);
            if (data.Length < consumed + 4 + size) return false;
            consumed += 4 + size;
            reply = line.StartsWith("IDENTIFY"u8) ? IdentifyResponse : Ok;
        }
        else if (line.StartsWith("SUB "u8))
        {
            reply = Ok;
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accept;
        _stop.Dispose();
    }
}
