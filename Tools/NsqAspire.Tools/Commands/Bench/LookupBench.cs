using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nsq.Protocol.Lookup;
using Nsq.Protocol.V2;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// <c>lookup</c> mode: <c>GET /lookup?topic=...</c> against one nsqlookupd as fast as it answers, over keep-alive
/// HTTP/1.1 connections (a raw-socket client, one request outstanding per connection). Counts 200s; anything else is an
/// error. With <c>--register</c>, a fake producer (a V1 TCP client) registers the topic first and stays connected.
/// </summary>
internal static class LookupBench
{
    public static async Task<bool> RunAsync(BenchOptions o, CancellationToken interrupt)
    {
        var http = await NsqConnection.ResolveAsync(o.LookupdHttpAddress).ConfigureAwait(false);
        var request = Encoding.ASCII.GetBytes(
            $"GET /lookup?topic={Uri.EscapeDataString(o.Topic)} HTTP/1.1\r\nHost: {o.LookupdHttpAddress}\r\nUser-Agent: nsq-bench\r\n\r\n");

        await using var producer = o.Register ? await FakeProducer.RegisterAsync(o).ConfigureAwait(false) : null;
        await WaitForTopicAsync(http, request).ConfigureAwait(false);

        using var stop = new StopSignal(interrupt);
        var stats = new WorkerStats[o.Connections];
        var workers = new Task[o.Connections];
        for (var i = 0; i < workers.Length; i++)
        {
            var s = stats[i] = new WorkerStats();
            workers[i] = Task.Run(() => WorkerAsync(http, request, s, stop));
        }
        // Untimed warm-up: both sides reach tiered (optimised) code before the measured window opens.
        await DelayUnlessStoppedAsync(o.Warmup, stop).ConfigureAwait(false);
        var (okBefore, errorsBefore) = Sum(stats);
        var before = GcSnapshot.Take();
        var start = Stopwatch.GetTimestamp();
        _ = BenchProgress.RunAsync("lookup", "requests", stats, start, o.EffectiveProgress, stop);
        await DelayUnlessStoppedAsync(o.RunFor, stop).ConfigureAwait(false);
        var (okAfter, errorsAfter) = Sum(stats);
        var elapsedNs = BenchResult.ElapsedNanoseconds(start, Stopwatch.GetTimestamp());
        var gc = GcSnapshot.Take().Since(before);
        stop.Set();
        await Task.WhenAll(workers).ConfigureAwait(false);

        var ok = okAfter - okBefore;
        var errors = errorsAfter - errorsBefore;
        var firstError = stats.Select(s => s.FirstError).FirstOrDefault(e => e is not null);
        var seconds = elapsedNs / 1e9;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"[lookup] requests={ok} elapsed_s={seconds:F3} req_per_sec={ok / seconds:F0} us_per_req={(ok > 0 ? elapsedNs / 1000.0 / ok * o.Connections : 0):F1} connections={o.Connections} topic={o.Topic} lookupd={o.LookupdHttpAddress} client_gc={gc.Gen0}/{gc.Gen1}/{gc.Gen2} errors={errors}");
        if (firstError is not null) line += $" first_error=\"{firstError}\"";
        await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        return ok == 0;
    }

    /// <summary>Waits <paramref name="delay"/>; Ctrl+C (the stop signal) cuts it short.</summary>
    private static async Task DelayUnlessStoppedAsync(TimeSpan delay, StopSignal stop)
    {
        try
        {
            if (delay > TimeSpan.Zero) await Task.Delay(delay, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Interrupted: measure what ran so far.
        }
    }

    private static (long Ok, long Errors) Sum(WorkerStats[] stats)
    {
        long ok = 0, errors = 0;
        foreach (var s in stats)
        {
            ok += Volatile.Read(ref s.Messages);
            errors += Volatile.Read(ref s.Errors);
        }
        return (ok, errors);
    }

    /// <summary>Registration reaches the lookup asynchronously: wait (up to 10 s) until /lookup answers 200.</summary>
    private static async Task WaitForTopicAsync(EndPoint http, byte[] request)
    {
        using var client = new HttpConnection(http);
        await client.ConnectAsync().ConfigureAwait(false);
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        int status;
        while ((status = await client.SendAsync(request).ConfigureAwait(false)) != 200)
        {
            if (Stopwatch.GetTimestamp() > deadline)
                throw new IOException($"/lookup answered {status} for 10s (is the topic registered? use --register)");
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private static async Task WorkerAsync(EndPoint http, byte[] request, WorkerStats s, StopSignal stop)
    {
        HttpConnection? client = null;
        try
        {
            while (!stop.IsSet)
            {
                try
                {
                    if (client is null)
                    {
                        client = new HttpConnection(http);
                        await client.ConnectAsync().ConfigureAwait(false);
                    }
                    var status = await client.SendAsync(request).ConfigureAwait(false);
                    if (status == 200)
                    {
                        Volatile.Write(ref s.Messages, s.Messages + 1);
                    }
                    else
                    {
                        s.Errors++;
                        s.FirstError ??= $"HTTP {status}";
                    }
                }
                catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException)
                {
                    s.Errors++;
                    s.FirstError ??= ex.Message;
                    client?.Dispose();
                    client = null;
                    await Task.Delay(10).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            client?.Dispose();
        }
    }

    /// <summary>A minimal keep-alive HTTP/1.1 client: one request at a time, responses framed by Content-Length or
    /// chunked encoding, bodies skipped.</summary>
    private sealed class HttpConnection(EndPoint endPoint) : IDisposable
    {
        private readonly Socket _socket = new(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public Task ConnectAsync() => _socket.ConnectAsync(endPoint);

        /// <summary>Sends the request and returns the response's status code once the whole response is read.</summary>
        public async ValueTask<int> SendAsync(byte[] request)
        {
            var sent = 0;
            while (sent < request.Length) sent += await _socket.SendAsync(request.AsMemory(sent), SocketFlags.None).ConfigureAwait(false);

            int headerEnd;
            while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0) await FillAsync().ConfigureAwait(false);
            var (status, contentLength, chunked) = ParseHead(_buffer.AsSpan(_start, headerEnd));
            _start += headerEnd + 4;
            if (chunked)
            {
                while (true)
                {
                    int lineEnd;
                    while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0) await FillAsync().ConfigureAwait(false);
                    var sizeText = _buffer.AsSpan(_start, lineEnd);
                    var semi = sizeText.IndexOf((byte)';');
                    if (semi >= 0) sizeText = sizeText[..semi];
                    if (!long.TryParse(Encoding.ASCII.GetString(sizeText), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size))
                        throw new InvalidDataException("bad chunk size");
                    _start += lineEnd + 2;
                    await SkipAsync(size + 2).ConfigureAwait(false); // data + CRLF (or the final CRLF after "0")
                    if (size == 0) break;
                }
            }
            else
            {
                await SkipAsync(contentLength).ConfigureAwait(false);
            }
            return status;
        }

        private static (int Status, long ContentLength, bool Chunked) ParseHead(ReadOnlySpan<byte> head)
        {
            if (head.Length < 12 || !head.StartsWith("HTTP/1."u8)) throw new InvalidDataException("not an HTTP/1.x response");
            var status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
            long contentLength = 0;
            var chunked = false;
            var rest = head;
            while (true)
            {
                var nl = rest.IndexOf("\r\n"u8);
                if (nl < 0) break;
                rest = rest[(nl + 2)..];
                var lineEnd = rest.IndexOf("\r\n"u8);
                var line = lineEnd < 0 ? rest : rest[..lineEnd];
                var colon = line.IndexOf((byte)':');
                if (colon <= 0) continue;
                var name = line[..colon];
                var value = line[(colon + 1)..].Trim((byte)' ');
                if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
                {
                    if (!Utf8Parser.TryParse(value, out contentLength, out var used) || used != value.Length)
                        throw new InvalidDataException("bad Content-Length");
                }
                else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
                {
                    chunked = value.IndexOf("chunked"u8) >= 0;
                }
            }
            return (status, contentLength, chunked);
        }

        private async ValueTask SkipAsync(long count)
        {
            while (count > 0)
            {
                if (_start == _end) await FillAsync().ConfigureAwait(false);
                var n = (int)Math.Min(count, _end - _start);
                _start += n;
                count -= n;
            }
        }

        private async ValueTask FillAsync()
        {
            if (_start == _end)
            {
                _start = _end = 0;
            }
            else if (_end == _buffer.Length)
            {
                if (_start == 0) throw new InvalidDataException("response head larger than the buffer");
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None).ConfigureAwait(false);
            if (n == 0) throw new IOException("the server closed the connection");
            _end += n;
        }

        public void Dispose() => _socket.Dispose();
    }

    /// <summary>A fake nsqd for the lookup (spec §6.2): magic, IDENTIFY, REGISTER topic, then a PING every 15 s until
    /// disposed, so the producer stays active for the whole run.</summary>
    private sealed class FakeProducer : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly CancellationTokenSource _cts = new();
        private Task _pinger = Task.CompletedTask;

        private FakeProducer(Socket socket) => _socket = socket;

        public static async Task<FakeProducer> RegisterAsync(BenchOptions o)
        {
            var endPoint = await NsqConnection.ResolveAsync(o.LookupdTcpAddress).ConfigureAwait(false);
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var producer = new FakeProducer(socket);
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
}
