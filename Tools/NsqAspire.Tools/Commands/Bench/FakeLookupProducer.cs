using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Nsq.Protocol.Lookup;
using Nsq.Protocol.V2;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>A fake nsqd for the lookup (spec §6.2): magic, IDENTIFY, REGISTER topic, then a PING every 15 s until
/// disposed, so the producer stays active for the whole run.</summary>
internal sealed class FakeLookupProducer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _cts = new();
    private Task _pinger = Task.CompletedTask;

    private FakeLookupProducer(Socket socket) => _socket = socket;

    public static async Task<FakeLookupProducer> RegisterAsync(BenchOptions o)
    {
        var endPoint = await NsqConnection.ResolveAsync(o.LookupdTcpAddress).ConfigureAwait(false);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var producer = new FakeLookupProducer(socket);
        try
        {
            await socket.ConnectAsync(endPoint).ConfigureAwait(false);
            var w = new ArrayBufferWriter<byte>();
            w.Write(ProtocolMagic.V1);
            var identify = Encoding.UTF8.GetBytes(
                """{"version":"1.3.0","tcp_port":4150,"http_port":4151,"hostname":"nsq-bench","broadcast_address":"127.0.0.1"}""");
            LookupV1Writer.Identify(w, identify);
            await producer.SendAndExpectAsync(w, json: true).ConfigureAwait(false);
            LookupV1Writer.Register(w, o.Topic);
            await producer.SendAndExpectAsync(w, json: false).ConfigureAwait(false);
            producer._pinger = producer.PingLoopAsync();
            return producer;
        }
        catch
        {
            await producer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task PingLoopAsync()
    {
        var w = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(15), _cts.Token).ConfigureAwait(false);
                LookupV1Writer.Ping(w);
                await SendAndExpectAsync(w, json: false).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"[register] lost the lookup connection: {ex.Message}").ConfigureAwait(false);
        }
    }

    /// <summary>Sends what <paramref name="w"/> holds and reads one <c>[int32 size][data]</c> response: OK, or JSON
    /// for IDENTIFY; an <c>E_...</c> response is an error.</summary>
    private async Task SendAndExpectAsync(ArrayBufferWriter<byte> w, bool json)
    {
        await _socket.SendAsync(w.WrittenMemory, SocketFlags.None).ConfigureAwait(false);
        w.Clear();
        var size = new byte[4];
        await ReceiveExactlyAsync(size).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(size);
        if (length is < 0 or > 1 << 20) throw new InvalidDataException($"bad lookup response size {length}");
        var data = new byte[length];
        await ReceiveExactlyAsync(data).ConfigureAwait(false);
        if (LookupV1Reader.IsError(data) || (!json && !data.AsSpan().SequenceEqual("OK"u8)))
            throw new InvalidDataException($"lookup answered {Encoding.UTF8.GetString(data)}");
    }

    private async Task ReceiveExactlyAsync(Memory<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var n = await _socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
            if (n == 0) throw new IOException("the lookup closed the connection");
            buffer = buffer[n..];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        await _pinger.ConfigureAwait(false);
        _socket.Dispose();
        _cts.Dispose();
    }
}
