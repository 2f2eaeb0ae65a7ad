using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Nsq.Protocol.Identify;
using Nsq.Protocol.V2;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// One raw TCP protocol V2 connection: a socket, a growable receive buffer parsed with <see cref="FrameReader"/>, and an
/// output buffer that <see cref="CommandWriter"/> encodes into. Nothing here allocates per frame or per command: the
/// socket's ValueTask send/receive reuse their event args, frames are slices of the receive buffer, and the output
/// buffer is reset, not reallocated.
/// </summary>
internal sealed class NsqConnection : IDisposable
{
    private const int MaxFrameSize = 64 * 1024 * 1024;
    private readonly Socket _socket;
    private byte[] _receive;
    private int _start;
    private int _end;
    private int _disposed;

    private NsqConnection(Socket socket, int receiveBufferSize, int outputBufferSize)
    {
        _socket = socket;
        _receive = new byte[receiveBufferSize];
        Output = new ArrayBufferWriter<byte>(outputBufferSize);
    }

    /// <summary>What the next <see cref="FlushAsync"/> sends (sized up front so that the hot loop never grows it).</summary>
    public ArrayBufferWriter<byte> Output { get; }

    public static async Task<NsqConnection> ConnectAsync(EndPoint endPoint, int receiveBufferSize, int outputBufferSize, CancellationToken ct)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, ct).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new NsqConnection(socket, receiveBufferSize, outputBufferSize);
    }

    /// <summary>Parses <c>host:port</c> (a name is resolved; IPv4 preferred).</summary>
    public static async Task<EndPoint> ResolveAsync(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port))
            throw new FormatException($"invalid address {address} (want host:port)");
        var host = address[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var ip)) return new IPEndPoint(ip, port);
        var addresses = await Dns.GetHostAddressesAsync(host).ConfigureAwait(false);
        var chosen = Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0];
        return new IPEndPoint(chosen, port);
    }

    /// <summary>The 4-byte magic and an IDENTIFY without feature negotiation (the answer is a plain <c>OK</c>).</summary>
    public void WriteHandshake(string role)
    {
        Output.Write(ProtocolMagic.V2);
        var identify = new IdentifyRequest
        {
            ClientId = role,
            Hostname = Dns.GetHostName(),
            UserAgent = "nsq-bench/" + role,
            FeatureNegotiation = false,
        };
        CommandWriter.Identify(Output, JsonSerializer.SerializeToUtf8Bytes(identify, IdentifyJsonContext.Default.IdentifyRequest));
    }

    /// <summary>Sends everything in <see cref="Output"/> and resets it. (Pooled builder: no box when it completes later.)</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushAsync()
    {
        var data = Output.WrittenMemory;
        while (!data.IsEmpty)
        {
            var n = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            if (n <= 0) throw new IOException("connection closed while sending");
            data = data[n..];
        }
        Output.ResetWrittenCount();
    }

    /// <summary>
    /// Takes the next whole frame from what has been received. The frame's data stays valid until the next
    /// <see cref="ReceiveAsync"/>.
    /// </summary>
    public bool TryReadFrame(out Frame frame)
    {
        var buffer = new ReadOnlySequence<byte>(_receive, _start, _end - _start);
        if (!FrameReader.TryRead(ref buffer, out frame, MaxFrameSize)) return false;
        _start = _end - (int)buffer.Length;
        return true;
    }

    /// <summary>Receives more bytes (compacting the buffer first, growing it for a frame larger than it). False at EOF.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReceiveAsync()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0)
        {
            Buffer.BlockCopy(_receive, _start, _receive, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _receive.Length) Array.Resize(ref _receive, _receive.Length * 2);
        var n = await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None).ConfigureAwait(false);
        if (n == 0) return false;
        _end += n;
        return true;
    }

    /// <summary>Reads until one response frame arrives; it must be <c>OK</c>. Heartbeats are answered on the way.</summary>
    public async ValueTask ExpectOkAsync(string what)
    {
        while (true)
        {
            while (TryReadFrame(out var frame))
            {
                var data = frame.Data.FirstSpan;
                switch (frame.Type)
                {
                    case FrameType.Response when data.SequenceEqual(Responses.Heartbeat):
                        CommandWriter.Nop(Output);
                        await FlushAsync().ConfigureAwait(false);
                        continue;
                    case FrameType.Response when data.SequenceEqual(Responses.Ok):
                        return;
                    default:
                        throw new IOException($"{what}: unexpected {frame.Type} frame: {Text(frame)}");
                }
            }
            if (!await ReceiveAsync().ConfigureAwait(false)) throw new IOException($"{what}: connection closed by nsqd");
        }
    }

    public static string Text(in Frame frame) => Encoding.UTF8.GetString(frame.Data);

    /// <summary>Closes the socket; a pending receive or send then fails (how a run is stopped).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        _socket.Dispose();
    }
}
