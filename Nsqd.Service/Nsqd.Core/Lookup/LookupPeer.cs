using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Nsq.Protocol.Lookup;

namespace Nsqd.Core.Lookup;

/// <summary>
/// Spec §6.2 "nsqd side": the connection to one <c>--lookupd-tcp-address</c>. On every (re)connect it sends the magic,
/// IDENTIFY and the full REGISTER set; then it sends queued REGISTER/UNREGISTER commands in order and a PING every
/// <see cref="LookupSettings.PingInterval"/>, reading each response. Any failure closes the connection and reconnects
/// with exponential backoff. Stopping just closes the socket: no UNREGISTER (lookupd drops the producer, spec §5.3).
/// </summary>
internal sealed class LookupPeer
{
    private readonly Broker _broker;
    private readonly LookupSettings _settings;
    private readonly Func<List<LookupCommand>> _snapshot;
    private readonly Channel<LookupCommand> _queue;
    private readonly CancellationTokenSource _cts = new();
    private Task _loop = Task.CompletedTask;
    private int _resync;
    private long _dropped;
    private volatile string? _lookupdHttpAddress;
    private volatile bool _connected;
    private int _connects;

    public LookupPeer(string address, Broker broker, LookupSettings settings, Func<List<LookupCommand>> snapshot)
    {
        Address = address;
        _broker = broker;
        _settings = settings;
        _snapshot = snapshot;
        _queue = Channel.CreateBounded<LookupCommand>(new BoundedChannelOptions(Math.Max(1, settings.QueueCapacity))
        {
            SingleReader = false, // a wait left pending by a dropped connection may overlap the next connection's
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of waiting: see Enqueue
        });
    }

    /// <summary>The configured <c>host:port</c>.</summary>
    public string Address { get; }
    /// <summary>lookupd's <c>broadcast_address:http_port</c> from its IDENTIFY response (null until the first one).</summary>
    public string? LookupdHttpAddress => _lookupdHttpAddress;
    public bool IsConnected => _connected;
    /// <summary>Commands dropped because the queue was full (each one forces a reconnect and full re-sync).</summary>
    public long DroppedCommands => Interlocked.Read(ref _dropped);
    /// <summary>Completed handshakes (connect + IDENTIFY + full REGISTER set).</summary>
    public int Connects => Volatile.Read(ref _connects);

    public void Start() => _loop = Task.Run(() => RunAsync(_cts.Token));

    /// <summary>
    /// Never blocks. Back-pressure policy: when the queue is full the command is dropped and the peer is marked for a
    /// full re-sync (it reconnects, so lookupd forgets everything this nsqd registered, and registers the current state).
    /// </summary>
    public bool Enqueue(LookupCommand command)
    {
        if (_queue.Writer.TryWrite(command)) return true;
        Interlocked.Increment(ref _dropped);
        Volatile.Write(ref _resync, 1);
        return false;
    }

    public async Task StopAsync()
    {
        if (!_cts.IsCancellationRequested) await _cts.CancelAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _cts.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var backoff = _settings.ReconnectMinDelay;
        while (!ct.IsCancellationRequested)
        {
            var resync = false;
            try
            {
                using var conn = await ConnectAsync(ct).ConfigureAwait(false);
                _connected = true;
                backoff = _settings.ReconnectMinDelay;
                resync = await ServeAsync(conn, ct).ConfigureAwait(false);
                if (resync) _broker.Logger.LogWarning("LOOKUPD({Address}): command queue overflowed, reconnecting to re-sync", Address);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or InvalidDataException
                                           or JsonException or LookupPeerException)
            {
                _broker.Logger.LogWarning("LOOKUPD({Address}): {Error}", Address, ex.Message);
            }
            finally
            {
                _connected = false;
            }
            if (resync || ct.IsCancellationRequested) continue;
            // Exponential backoff with jitter (50-100 % of the current step).
            var delay = backoff * (0.5 + Random.Shared.NextDouble() / 2);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _settings.ReconnectMaxDelay.Ticks));
            try
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<Connection> ConnectAsync(CancellationToken ct)
    {
        var (host, port) = SplitAddress(Address);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Connection? conn = null;
        try
        {
            using (var dial = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                dial.CancelAfter(_settings.DialTimeout);
                await socket.ConnectAsync(host, port, dial.Token).ConfigureAwait(false);
            }
            conn = new Connection(socket, _broker.Options.MaxBodySize);
            _broker.Logger.LogInformation("LOOKUPD({Address}): connected", Address);
            await HandshakeAsync(conn, ct).ConfigureAwait(false);
            return conn;
        }
        catch
        {
            if (conn is not null) conn.Dispose();
            else socket.Dispose();
            throw;
        }
    }

    /// <summary>Magic, IDENTIFY, then the whole REGISTER set (after discarding what the queue held: the snapshot covers it).</summary>
    private async Task HandshakeAsync(Connection conn, CancellationToken ct)
    {
        var o = _broker.Options;
        var json = JsonSerializer.SerializeToUtf8Bytes(new LookupIdentifyRequest
        {
            Version = NsqdOptions.Version,
            TcpPort = o.BroadcastTcpPort,
            HttpPort = o.BroadcastHttpPort,
            Hostname = Environment.MachineName,
            BroadcastAddress = o.BroadcastAddress,
        }, LookupJsonContext.Default.LookupIdentifyRequest);
        "  V1"u8.CopyTo(conn.Out.GetSpan(4));
        conn.Out.Advance(4);
        LookupV1Writer.Identify(conn.Out, json);
        var resp = await RoundTripAsync(conn, ct).ConfigureAwait(false);
        if (LookupV1Reader.IsError(resp)) throw new LookupPeerException($"IDENTIFY failed: {Encoding.UTF8.GetString(resp)}");
        var info = JsonSerializer.Deserialize(resp, LookupJsonContext.Default.LookupIdentifyResponse)
                   ?? throw new LookupPeerException("IDENTIFY: empty response");
        _lookupdHttpAddress = $"{info.BroadcastAddress}:{info.HttpPort}";

        while (_queue.Reader.TryRead(out _))
        {
        }
        Volatile.Write(ref _resync, 0);
        foreach (var cmd in _snapshot()) await SendAsync(conn, cmd, ct).ConfigureAwait(false);
        Interlocked.Increment(ref _connects);
    }

    /// <summary>Returns true when the connection must be re-established for a full re-sync (queue overflow).</summary>
    private async Task<bool> ServeAsync(Connection conn, CancellationToken ct)
    {
        var lastPing = Environment.TickCount64;
        Task<bool>? wait = null;
        while (true)
        {
            if (Volatile.Read(ref _resync) != 0) return true;
            var interval = (long)_settings.PingInterval.TotalMilliseconds;
            var due = lastPing + interval - Environment.TickCount64;
            if (due <= 0)
            {
                LookupV1Writer.Ping(conn.Out);
                var resp = await RoundTripAsync(conn, ct).ConfigureAwait(false);
                if (LookupV1Reader.IsError(resp)) LogError("PING", resp);
                lastPing = Environment.TickCount64;
                continue;
            }
            if (_queue.Reader.TryRead(out var cmd))
            {
                await SendAsync(conn, cmd, ct).ConfigureAwait(false);
                continue;
            }
            wait ??= _queue.Reader.WaitToReadAsync(ct).AsTask();
            using (var delayCts = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                var delay = Task.Delay(TimeSpan.FromMilliseconds(due), delayCts.Token);
                var done = await Task.WhenAny(wait, delay).ConfigureAwait(false);
                await delayCts.CancelAsync().ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
                if (done == wait)
                {
                    if (!await wait.ConfigureAwait(false)) return false; // completed: stopping
                    wait = null;
                }
            }
        }
    }

    private async Task SendAsync(Connection conn, LookupCommand cmd, CancellationToken ct)
    {
        if (cmd.Register) LookupV1Writer.Register(conn.Out, cmd.Topic, cmd.Channel);
        else LookupV1Writer.Unregister(conn.Out, cmd.Topic, cmd.Channel);
        var resp = await RoundTripAsync(conn, ct).ConfigureAwait(false);
        if (LookupV1Reader.IsError(resp)) LogError(cmd.ToString(), resp);
    }

    private void LogError(string command, byte[] resp)
        => _broker.Logger.LogError("LOOKUPD({Address}): {Command} returned {Response}", Address, command, Encoding.UTF8.GetString(resp));

    /// <summary>Writes what <see cref="Connection.Out"/> holds and reads one <c>[int32 size][data]</c> response (1 s deadline each).</summary>
    private async Task<byte[]> RoundTripAsync(Connection conn, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_settings.IoTimeout);
        await conn.Stream.WriteAsync(conn.Out.WrittenMemory, deadline.Token).ConfigureAwait(false);
        conn.Out.ResetWrittenCount();
        deadline.CancelAfter(_settings.IoTimeout);
        while (true)
        {
            var result = await conn.In.ReadAsync(deadline.Token).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (LookupV1Reader.TryReadResponse(ref buffer, out var data, conn.MaxResponseSize))
            {
                var bytes = data.ToArray();
                conn.In.AdvanceTo(buffer.Start);
                return bytes;
            }
            if (result.IsCompleted) throw new IOException("connection closed by lookupd");
            conn.In.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    internal static (string Host, int Port) SplitAddress(string address)
    {
        var idx = address.LastIndexOf(':');
        if (idx <= 0 || !int.TryParse(address.AsSpan(idx + 1), out var port) || port is < 1 or > 65535)
            throw new LookupPeerException($"invalid lookupd address {address} (want host:port)");
        return (address[..idx].Trim('[', ']'), port);
    }

    private sealed class Connection(Socket socket, int maxResponseSize) : IDisposable
    {
        public NetworkStream Stream { get; } = new(socket, ownsSocket: true);
        public PipeReader In { get; } = PipeReader.Create(new NetworkStream(socket, ownsSocket: false));
        public ArrayBufferWriter<byte> Out { get; } = new(256);
        public int MaxResponseSize { get; } = maxResponseSize;

        public void Dispose()
        {
            In.Complete();
            Stream.Dispose();
        }
    }
}

/// <summary>A lookupd protocol failure that closes the peer's connection (then it reconnects).</summary>
internal sealed class LookupPeerException(string message) : Exception(message);
