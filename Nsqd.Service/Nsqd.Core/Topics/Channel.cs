using Nsq.Protocol;
using Nsqd.Core.Infrastructure;
using Nsqd.Core.Tcp;

namespace Nsqd.Core.Topics;

/// <summary>
/// Spec §1.2 and §1.6: a consumer group on a topic. Holds the ready queue (memory + disk), the in-flight set, the
/// deferred set and the subscribed clients. Delivery is pulled by each client's pump on RDY credit
/// (<see cref="TakeForClient"/>), so a publish only enqueues and wakes a hungry client; one lock guards all state.
/// </summary>
internal sealed partial class Channel
{
    private readonly Lock _lock = new();
    private readonly MessageQueue _queue;
    private readonly Dictionary<ulong, Message> _inFlight = [];
    private readonly DeferredStore _deferred;
    private ClientSession[] _clients = [];
    private int _wakeCursor;

    public Channel(Topic topic, string name, Broker broker)
    {
        Topic = topic;
        Name = name;
        Broker = broker;
        IsEphemeral = Names.IsEphemeral(name);
        var queueName = $"{topic.Name}:{name}";
        var ephemeral = IsEphemeral || topic.IsEphemeral;
        _queue = broker.Storage.OpenMessageQueue(queueName, ephemeral, broker.Commit);
        _deferred = broker.Storage.OpenDeferred(queueName, ephemeral, broker.Commit);
        E2E = new LatencyStats(broker.Options.E2EProcessingLatencyPercentiles, broker.Options.E2EProcessingLatencyWindowTime);
    }

    /// <summary>About 139 years: a longer message_ttl_ms is the same as this one, and in ns it does not overflow.</summary>
    private const long MaxTtlMs = 1L << 42;

    public Topic Topic { get; }
    public string Name { get; }
    public Broker Broker { get; }
    public bool IsEphemeral { get; }
    public bool IsPaused { get; private set; }
    public bool IsExiting { get; private set; }
    public LatencyStats E2E { get; }

    public long MessageCount;
    public long RequeueCount;
    public long TimeoutCount;

    public ClientSession[] Clients => Volatile.Read(ref _clients);

    /// <summary>Segments of this channel's queue and deferred journal in which damage was found since start.</summary>
    public long BadSegments => MessageQueue.BadSegments(_queue.Backend) + MessageQueue.BadSegments(_deferred.Journal);

    /// <summary>Records of this channel's queue and deferred journal lost to damage since start.</summary>
    public long CorruptRecords => MessageQueue.CorruptRecords(_queue.Backend) + MessageQueue.CorruptRecords(_deferred.Journal);

    public ChannelSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new ChannelSnapshot(_queue.Depth, _queue.BackendDepth, _inFlight.Count, _deferred.Count,
                Interlocked.Read(ref MessageCount), Interlocked.Read(ref RequeueCount), Interlocked.Read(ref TimeoutCount), IsPaused);
        }
    }

    /// <summary>Adds a subscriber; the error text is nsqd's (<c>E_SUB_FAILED SUB failed ...</c>).</summary>
    public string? AddClient(ClientSession client)
    {
        lock (_lock)
        {
            if (IsExiting) return "exiting";
            var max = Broker.Options.MaxChannelConsumers;
            if (max > 0 && _clients.Length >= max)
                return $"consumers for {Topic.Name}:{Name} exceeds limit of {max}";
            _clients = [.. _clients, client];
            return null;
        }
    }

    /// <summary>
    /// Removes a subscriber and requeues what it still had in flight at once (nsqd waits for the timeout; requeueing
    /// now only makes redelivery faster — spec A.2 item 11). An #ephemeral channel goes away with its last client.
    /// </summary>
    public void RemoveClient(ClientSession client)
    {
        bool deleteNow;
        List<Message>? dead = null;
        lock (_lock)
        {
            var idx = Array.IndexOf(_clients, client);
            if (idx < 0) return;
            var list = new List<ClientSession>(_clients);
            list.RemoveAt(idx);
            _clients = [.. list];
            for (var m = client.InFlightHead; m is not null;)
            {
                var next = m.Next;
                _inFlight.Remove(m.Id);
                m.Owner = null; m.Prev = null; m.Next = null;
                RequeueLocked(m, ref dead);
                m = next;
            }
            client.InFlightHead = client.InFlightTail = null;
            client.InFlightCount = 0;
            deleteNow = IsEphemeral && _clients.Length == 0 && !IsExiting;
        }
        if (dead is not null) DeadLetter(dead);
        if (deleteNow) Topic.DeleteChannel(Name);
        else WakeHungryClients();
    }

    /// <summary>Spec §1.6 publish path: into the ready queue, or the deferred set when the message carries a delay.</summary>
    public void Put(Message m)
    {
        List<Message>? dead = null;
        lock (_lock)
        {
            Interlocked.Increment(ref MessageCount);
            if (m.DeferMs > 0)
            {
                _deferred.Add(m, Clock.NowMs + m.DeferMs);
                return;
            }
            _queue.Put(m);
            if (_policy is not null) EnforceMaxDepthLocked(ref dead);
        }
        if (dead is not null) DeadLetter(dead);
        WakeHungryClients();
    }

    /// <summary>Puts a batch under one lock and one wake-up (MPUB and the topic drain).</summary>
    public void PutBatch(ReadOnlySpan<Message> messages, bool copy)
    {
        IOException? error = null;
        List<Message>? dead = null;
        lock (_lock)
        {
            var now = Clock.NowMs;
            Interlocked.Add(ref MessageCount, messages.Length);
            foreach (var original in messages)
            {
                var m = copy ? original.CopyForChannel() : original;
                if (m.DeferMs > 0) _deferred.Add(m, now + m.DeferMs);
                else _queue.Stage(m);
            }
            try
            {
                _queue.Commit();
            }
            catch (IOException ex)
            {
                // The messages stayed in memory (MessageQueue's policy); report the disk error, deliver what we hold.
                Broker.SetHealth(ex.Message);
                error = ex;
            }
            if (_policy is not null) EnforceMaxDepthLocked(ref dead);
        }
        if (dead is not null) DeadLetter(dead);
        WakeHungryClients();
        if (error is not null) throw error;
    }

    /// <summary>
    /// Moves up to <paramref name="destination"/>.Length ready messages into flight for <paramref name="client"/>:
    /// attempts+1, deadline = now + the client's msg_timeout (spec §1.6 "Delivery").
    /// </summary>
    public int TakeForClient(ClientSession client, Span<Message> destination)
    {
        var n = 0;
        List<Message>? dead = null;
        lock (_lock)
        {
            // A closing session detaches under this lock after setting IsClosed: checking here means a pump racing with
            // its own disconnect cannot put messages in flight that nobody would ever time out.
            if (IsPaused || IsExiting || client.IsClosed) return 0;
            var now = Clock.NowMs;
            var sample = client.SampleRate;
            // message_ttl_ms: published before this is expired (no setting: no message is that old).
            var expiredBefore = _policy is { MessageTtlMs: > 0 } p ? Clock.UnixNanos - Math.Min(p.MessageTtlMs, MaxTtlMs) * 1_000_000 : long.MinValue;
            while (n < destination.Length && _queue.TryTake(out var m))
            {
                // Spec §2.7: sample_rate drops the messages it does not sample (nsqd's behaviour, kept on purpose).
                if (_deferred.HoldsLoaded(m.Id))
                {
                    // A ready copy left by a crash of a message the journal holds as deferred: not before its due time.
                    _queue.Confirm(m);
                    continue;
                }
                if (m.TimestampNs < expiredBefore)
                {
                    Collect(m, ref ExpiredCount, ref dead);
                    continue;
                }
                if (sample > 0 && Random.Shared.Next(100) > sample)
                {
                    _queue.Confirm(m);
                    continue;
                }
                if (m.Attempts < ushort.MaxValue) m.Attempts++;
                m.Owner = client;
                m.DeliveryMs = now;
                m.DeadlineMs = now + client.MsgTimeoutMs;
                if (!_inFlight.TryAdd(m.Id, m))
                {
                    _queue.Confirm(m); // a duplicate ID already in flight: keep the first
                    continue;
                }
                client.AppendInFlight(m);
                destination[n++] = m;
            }
        }
        if (dead is not null) DeadLetter(dead);
        return n;
    }

    /// <summary>Wakes subscribers that have RDY credit, starting at a rotating index so no client is always first.</summary>
    public void WakeHungryClients()
    {
        var clients = Clients;
        if (clients.Length == 0) return;
        var start = (int)((uint)Interlocked.Increment(ref _wakeCursor) % (uint)clients.Length);
        for (var i = 0; i < clients.Length; i++)
        {
            var c = clients[(start + i) % clients.Length];
            if (c.IsHungry) c.WakePump();
        }
    }

    public bool HasReadyMessages
    {
        get { lock (_lock) return _queue.Depth > 0; }
    }
}

/// <summary>A consistent view of a channel's counters for /stats.</summary>
internal readonly record struct ChannelSnapshot(long Depth, long BackendDepth, int InFlight, int Deferred,
    long MessageCount, long RequeueCount, long TimeoutCount, bool Paused);
