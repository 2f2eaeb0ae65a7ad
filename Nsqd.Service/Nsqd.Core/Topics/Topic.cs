using Nsq.Protocol;
using Nsqd.Core.Infrastructure;

namespace Nsqd.Core.Topics;

/// <summary>
/// Spec §1.2: a named stream. Publishing fans out inline to every channel on the publisher's thread (no topic pump
/// hop); when the topic has no channel or is paused, messages wait in the topic's own queue (memory + disk) and are
/// drained into the channels when the first channel appears or the topic is unpaused.
/// </summary>
internal sealed partial class Topic
{
    private readonly Lock _lock = new();
    private readonly MessageQueue _queue;
    private readonly DeferredStore _deferred;
    private Channel[] _channels = [];
    private bool _draining;
    private Task _drain = Task.CompletedTask;

    public Topic(string name, Broker broker)
    {
        Name = name;
        NameUtf8 = System.Text.Encoding.UTF8.GetBytes(name);
        Broker = broker;
        IsEphemeral = Names.IsEphemeral(name);
        Ids = new MessageIdGenerator(broker.Options.NodeId);
        _queue = broker.Storage.OpenMessageQueue(name, IsEphemeral, broker.Commit);
        _deferred = broker.Storage.OpenDeferred(name, IsEphemeral, broker.Commit);
    }

    public string Name { get; }
    /// <summary>The name's bytes, compared against PUB's parameter without decoding it.</summary>
    public byte[] NameUtf8 { get; }
    public Broker Broker { get; }
    public bool IsEphemeral { get; }
    public bool IsPaused { get; private set; }
    public bool IsExiting { get; private set; }
    public MessageIdGenerator Ids { get; }
    public long MessageCount;
    public long MessageBytes;

    public Channel[] Channels => Volatile.Read(ref _channels);

    /// <summary>Segments of this topic's queue and deferred journal in which damage was found since start.</summary>
    public long BadSegments => MessageQueue.BadSegments(_queue.Backend) + MessageQueue.BadSegments(_deferred.Journal);

    /// <summary>Records of this topic's queue and deferred journal lost to damage since start.</summary>
    public long CorruptRecords => MessageQueue.CorruptRecords(_queue.Backend) + MessageQueue.CorruptRecords(_deferred.Journal);

    public (long Depth, long BackendDepth) Depth()
    {
        lock (_lock) return (_queue.Depth, _queue.BackendDepth);
    }

    public Message NewMessage(ReadOnlySpan<byte> body, long deferMs = 0) => NewMessage(body, deferMs, Clock.UnixNanos);

    /// <summary>With the publish time given: a batch (MPUB) reads the clock once, not once per message.</summary>
    public Message NewMessage(ReadOnlySpan<byte> body, long deferMs, long unixNanos)
    {
        var m = Message.Create(Ids.Next(unixNanos), unixNanos, body);
        m.DeferMs = deferMs;
        return m;
    }

    /// <summary>A message with a header block (<c>[u16 H][entries]</c>, validated; empty: none) and a body.</summary>
    public Message NewMessage(ReadOnlySpan<byte> headerBlock, ReadOnlySpan<byte> body, long deferMs, long unixNanos)
    {
        var m = Message.Create(Ids.Next(unixNanos), unixNanos, headerBlock, body);
        m.DeferMs = deferMs;
        return m;
    }

    /// <summary>
    /// A message from a headers client's payload <c>[u16 H][entries][body]</c> (validated; the block is
    /// <paramref name="blockLength"/> bytes), copied straight from the pipe's buffer.
    /// </summary>
    public Message NewMessageWithBlock(in System.Buffers.ReadOnlySequence<byte> payload, int blockLength, long deferMs, long unixNanos)
    {
        var m = Message.CreateWithBlock(Ids.Next(unixNanos), unixNanos, payload, blockLength);
        m.DeferMs = deferMs;
        return m;
    }

    /// <summary>A message whose body is copied straight from the pipe's (possibly multi-segment) buffer.</summary>
    public Message NewMessage(in System.Buffers.ReadOnlySequence<byte> body, long deferMs, long unixNanos)
    {
        var m = Message.Create(Ids.Next(unixNanos), unixNanos, body);
        m.DeferMs = deferMs;
        return m;
    }

    /// <summary>Publishes one message. Throws <see cref="IOException"/> on a disk error, <see cref="TopicExitingException"/> when deleted.</summary>
    public void Put(Message m) => PutBatch(new ReadOnlySpan<Message>(ref m));

    /// <summary>Publishes a batch (MPUB): one lock per channel for the whole batch.</summary>
    public void PutBatch(ReadOnlySpan<Message> messages)
    {
        long bytes = 0;
        foreach (var m in messages) bytes += m.BodyLength;
        Channel[] channels;
        bool restartDrain;
        lock (_lock)
        {
            if (IsExiting) throw new TopicExitingException();
            Interlocked.Add(ref MessageCount, messages.Length);
            Interlocked.Add(ref MessageBytes, bytes);
            channels = _channels;
            if (channels.Length == 0 || IsPaused || _draining || _held || _queue.Depth > 0 || _deferred.Count > 0)
            {
                // A deferred message waiting for channels keeps its due time (counted from the publish, not from the
                // moment a channel appears) in the topic's own deferred journal.
                var now = Clock.NowMs;
                foreach (var m in messages)
                {
                    if (m.DeferMs > 0) _deferred.Add(m, now + m.DeferMs);
                    else _queue.Stage(m);
                }
                _queue.Commit();
                Broker.ClearHealth();
                // A backlog with channels, unpaused and no drain running (a drain stopped by a disk error): restart it.
                restartDrain = channels.Length > 0 && !IsPaused && !_draining && !_held;
                channels = [];
            }
            else
            {
                restartDrain = false;
            }
        }
        if (restartDrain) StartDrain();
        if (channels.Length > 0) FanOut(channels, messages);
    }

    /// <summary>The first channel gets the published objects, the others copies sharing the body (spec §1.2).</summary>
    internal void FanOut(Channel[] channels, ReadOnlySpan<Message> messages)
    {
        // Every channel gets the batch even if one channel's disk write fails; the publisher then sees that error.
        // Channels 1..n copy from the published objects first and channel 0 takes the objects themselves last: once a
        // channel holds a message it may finish it or spill it to disk and release it to the pool at any moment.
        IOException? error = null;
        for (var i = channels.Length - 1; i >= 0; i--)
        {
            try
            {
                channels[i].PutBatch(messages, copy: i > 0);
            }
            catch (IOException ex)
            {
                error ??= ex;
            }
        }
        if (error is not null) throw error;
        Broker.ClearHealth();
    }

    public Channel GetOrCreateChannel(string name, out bool created)
    {
        created = false;
        Channel? ch;
        lock (_lock)
        {
            if (IsExiting) throw new TopicExitingException();
            ch = Array.Find(_channels, c => c.Name == name);
            if (ch is null)
            {
                ch = new Channel(this, name, Broker);
                _channels = [.. _channels, ch];
                created = true;
            }
        }
        if (created)
        {
            Broker.OnMetadataChanged();
            Broker.Lookup.ChannelCreated(Name, name);
            StartDrain();
        }
        return ch;
    }

    public Channel? FindChannel(string name) => Array.Find(Channels, c => c.Name == name);

    /// <summary>Deletes a channel (spec §1.11). An #ephemeral topic goes away with its last channel.</summary>
    public bool DeleteChannel(string name)
    {
        Channel? ch;
        bool deleteTopic;
        lock (_lock)
        {
            ch = Array.Find(_channels, c => c.Name == name);
            if (ch is null) return false;
            _channels = Array.FindAll(_channels, c => !ReferenceEquals(c, ch));
            deleteTopic = IsEphemeral && _channels.Length == 0;
        }
        ch.Delete();
        Broker.OnMetadataChanged();
        Broker.Lookup.ChannelDeleted(Name, name);
        if (deleteTopic) Broker.DeleteTopic(Name);
        return true;
    }

    public void SetPaused(bool paused)
    {
        lock (_lock) IsPaused = paused;
        if (!paused) StartDrain();
    }
}

/// <summary>A publish raced with the topic's deletion: nsqd answers <c>E_PUB_FAILED ... exiting</c> / HTTP 503 EXITING.</summary>
internal sealed class TopicExitingException() : Exception("exiting");
