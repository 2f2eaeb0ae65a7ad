using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Nsqd.Core.Infrastructure;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Tcp;

/// <summary>
/// One TCP protocol V2 connection (spec §2): the command reader (<c>ClientSession.Read.cs</c>), the delivery pump
/// (<c>ClientSession.Pump.cs</c>), and the per-client settings IDENTIFY negotiates. Writes to the socket happen under
/// <see cref="_writeLock"/> only, from the reader (responses) or the pump (messages and heartbeats).
/// </summary>
internal sealed partial class ClientSession
{
    private readonly ConnectionContext _connection;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly AsyncSignal _signal = new();
    private PipeReader _input;
    private PipeWriter _output;
    private volatile bool _closed;
    private int _aborted;
    private long _lastReadMs;
    private long _nextHeartbeatMs;
    private long _flushStartedMs;
    private volatile bool _heartbeatDue;

    public ClientSession(ConnectionContext connection, Broker broker)
    {
        _connection = connection;
        Broker = broker;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        RemoteEndPoint = connection.RemoteEndPoint as IPEndPoint;
        // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d; nsqd shows them as plain IPv4.
        var address = RemoteEndPoint?.Address;
        var remote = address is null ? "" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
        ClientId = remote;
        Hostname = remote;
        ConnectTs = Clock.UnixSeconds;
        var o = broker.Options;
        HeartbeatIntervalMs = (long)(o.ClientTimeout.TotalMilliseconds / 2);
        MsgTimeoutMs = (long)o.MsgTimeout.TotalMilliseconds;
        OutputBufferSize = 16384;
        OutputBufferTimeoutMs = (long)o.OutputBufferTimeout.TotalMilliseconds;
        DeflateLevel = Math.Min(6, o.MaxDeflateLevel);
        _lastReadMs = Clock.NowMs;
        _nextHeartbeatMs = _lastReadMs + HeartbeatIntervalMs;
        Id = broker.RegisterClient(this);
    }

    public long Id { get; }
    public Broker Broker { get; }
    public IPEndPoint? RemoteEndPoint { get; }
    public ClientState State { get; private set; } = ClientState.Init;
    public Channel? Channel { get; private set; }

    // IDENTIFY-negotiated settings (spec §2.5).
    public string ClientId { get; private set; }
    public string Hostname { get; private set; }
    public string UserAgent { get; private set; } = "";
    public long HeartbeatIntervalMs { get; private set; }
    public long MsgTimeoutMs { get; private set; }
    public int OutputBufferSize { get; private set; }
    public long OutputBufferTimeoutMs { get; private set; }
    public int SampleRate { get; private set; }
    public bool Snappy { get; private set; }
    public bool Deflate { get; private set; }
    public int DeflateLevel { get; private set; }
    /// <summary>
    /// The message headers version negotiated in IDENTIFY (0: off). From then on every PUB/DPUB body and MPUB message
    /// carries a header block and every message frame sent to this client does (docs/message-headers.md).
    /// </summary>
    public int MessageHeadersVersion { get; private set; }
    public TlsInfo? Tls { get; private set; }
    public long ConnectTs { get; }

    // Counters for /stats.
    public long ReadyCount;
    public int InFlightCount;
    public long MessageCount;
    public long FinishCount;
    public long RequeueCount;

    // Intrusive in-flight list, guarded by the subscribed channel's lock (see Channel).
    public Message? InFlightHead { get; set; }
    public Message? InFlightTail { get; set; }

    /// <summary>Set before the session detaches from its channel; a closed session must not take messages.</summary>
    public bool IsClosed => _closed;

    /// <summary>Has RDY credit: the pump may take more messages.</summary>
    public bool IsHungry => !_closed && State == ClientState.Subscribed && Volatile.Read(ref InFlightCount) < Interlocked.Read(ref ReadyCount);

    public void WakePump() => _signal.Set();

    /// <summary>1 when a FIN/REQ/RDY of the current read gave the pump credit it may be parked without (see RemoveInFlight).</summary>
    private int _creditReopened;

    public void AppendInFlight(Message m)
    {
        m.Prev = InFlightTail;
        m.Next = null;
        if (InFlightTail is null) InFlightHead = m; else InFlightTail.Next = m;
        InFlightTail = m;
        InFlightCount++;
    }

    /// <summary>Links <paramref name="m"/> after the last message whose deadline is not later than its own.</summary>
    public void InsertInFlightByDeadline(Message m)
    {
        var after = InFlightTail;
        while (after is not null && after.DeadlineMs > m.DeadlineMs) after = after.Prev;
        if (ReferenceEquals(after, InFlightTail))
        {
            AppendInFlight(m);
            return;
        }
        m.Prev = after;
        m.Next = after is null ? InFlightHead : after.Next;
        if (after is null) InFlightHead = m; else after.Next = m;
        m.Next!.Prev = m;
        InFlightCount++;
    }

    public void RemoveInFlight(Message m)
    {
        if (m.Prev is null) InFlightHead = m.Next; else m.Prev.Next = m.Next;
        if (m.Next is null) InFlightTail = m.Prev; else m.Next.Prev = m.Prev;
        m.Prev = m.Next = null;
        // The pump parks on an empty queue (new messages wake it) or on no credit: only the FIN or REQ that ends "no
        // credit" needs to wake it, and the reader does so once it has run every command of its read (see
        // WakePumpIfCreditReopened). Decided here, under the channel's lock like the pump's takes, so it cannot miss a
        // take that filled the window meanwhile. A timeout requeues, which wakes hungry clients itself.
        if (--InFlightCount == Interlocked.Read(ref ReadyCount) - 1) Volatile.Write(ref _creditReopened, 1);
    }

    /// <summary>
    /// Called by the reader after each read's commands: one wake-up for all the credit its FINs, REQs and RDYs gave back,
    /// so the pump delivers (and flushes) once per read. A wake-up per FIN (go-nsq and nsqjs send each FIN alone) would
    /// cost a pump dispatch, the write lock, the channel lock and often a flush per message.
    /// </summary>
    private void WakePumpIfCreditReopened()
    {
        if (Volatile.Read(ref _creditReopened) != 0 && Interlocked.Exchange(ref _creditReopened, 0) != 0 && IsHungry) WakePump();
    }

    /// <summary>Channel empty: the client's in-flight messages are gone (spec §1.11).</summary>
    public void ClearInFlight()
    {
        InFlightHead = InFlightTail = null;
        InFlightCount = 0;
    }

    /// <summary>An in-flight message of this client timed out (it was unlinked by the channel).</summary>
    public void TimedOut()
    {
    }

    /// <summary>
    /// Called by the broker's scan loop: schedule a heartbeat when one is due, and drop the connection when no command
    /// arrived for 2× the heartbeat interval or a write has been stuck for one interval (spec §2.2, §2.7).
    /// </summary>
    public void OnTick(long nowMs)
    {
        if (HeartbeatIntervalMs <= 0) return;
        // Checked even once the reader has finished: a pump stuck writing to a client that never reads would otherwise
        // keep the session (and its connection) alive forever.
        var flushStarted = Volatile.Read(ref _flushStartedMs);
        if (flushStarted != 0 && nowMs - flushStarted > HeartbeatIntervalMs)
        {
            Abort();
            return;
        }
        if (_closed) return;
        if (nowMs - Volatile.Read(ref _lastReadMs) > 2 * HeartbeatIntervalMs)
        {
            Abort();
            return;
        }
        if (nowMs >= _nextHeartbeatMs)
        {
            _nextHeartbeatMs = nowMs + HeartbeatIntervalMs;
            _heartbeatDue = true;
            _signal.Set();
        }
    }

    /// <summary>Closes the connection at once (no error frame) and detaches from the channel.</summary>
    public void Abort()
    {
        _closed = true;
        // Not guarded by _closed: the reader sets it when it ends, but the transport still has to be aborted then.
        if (Interlocked.Exchange(ref _aborted, 1) != 0) return;
        Detach();
        _signal.Set();
        _connection.Abort(new ConnectionAbortedException("closed by nsqd"));
    }

    private void Detach()
    {
        var ch = Channel;
        if (ch is not null)
        {
            Channel = null;
            ch.RemoveClient(this);
        }
    }
}

/// <summary>What /stats reports about a client's TLS session.</summary>
internal sealed record TlsInfo(string Version, string CipherSuite, string NegotiatedProtocol, bool Mutual, string CommonName);
