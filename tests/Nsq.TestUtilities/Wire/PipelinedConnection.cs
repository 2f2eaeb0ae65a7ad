using System.Buffers;
using Nsq.Protocol.V2;

namespace Nsq.TestUtilities.Wire;

/// <summary>
/// A V2 connection for the load harnesses (crash trial, overflow bench): commands are batched in <see cref="Output"/> and
/// sent together, frames are parsed by FrameReader out of one growing buffer.
/// </summary>
public sealed class PipelinedConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private PipelinedConnection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public ArrayBufferWriter<byte> Output { get; } = new(64 * 1024);

    public static async Task<PipelinedConnection> OpenAsync(IPEndPoint endPoint, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(endPoint, ct).ConfigureAwait(false);
        var c = new PipelinedConnection(tcp);
        c.Output.Write(ProtocolMagic.V2);
        return c;
    }

    public async Task SendAsync(CancellationToken ct)
    {
        await _stream.WriteAsync(Output.WrittenMemory, ct).ConfigureAwait(false);
        Output.ResetWrittenCount();
    }

    /// <summary>The next frame that is not a heartbeat (heartbeats are answered with NOP); its data is copied.</summary>
    public async Task<(FrameType Type, byte[] Data)> ReadFrameAsync(CancellationToken ct)
    {
        while (true)
        {
            while (TryReadFrame(out var frame))
            {
                if (IsHeartbeat(frame))
                {
                    CommandWriter.Nop(Output);
                    await SendAsync(ct).ConfigureAwait(false);
                    continue;
                }
                return (frame.Type, frame.Data.ToArray());
            }
            if (!await ReceiveAsync(ct).ConfigureAwait(false)) throw new EndOfStreamException("closed by nsqd");
        }
    }

    /// <summary>The next whole frame already received; its data is valid until the next <see cref="ReceiveAsync"/>.</summary>
    public bool TryReadFrame(out Frame frame)
    {
        var buffer = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
        if (!FrameReader.TryRead(ref buffer, out frame)) return false;
        _start = _end - (int)buffer.Length;
        return true;
    }

    public static bool IsHeartbeat(in Frame frame) =>
        frame.Type == FrameType.Response && frame.Data.FirstSpan.SequenceEqual(Responses.Heartbeat);

    /// <summary>Receives more bytes (compacting or growing the buffer first); false when nsqd closed the connection.</summary>
    public async ValueTask<bool> ReceiveAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        var n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
        _end += n;
        return n > 0;
    }

    /// <summary>Reads one frame and fails unless it is the response <c>OK</c>.</summary>
    public async Task ExpectOkAsync(CancellationToken ct)
    {
        var (type, data) = await ReadFrameAsync(ct).ConfigureAwait(false);
        if (type != FrameType.Response || !data.AsSpan().SequenceEqual(Responses.Ok))
            throw new IOException($"expected OK, got {type} {System.Text.Encoding.UTF8.GetString(data)}");
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
