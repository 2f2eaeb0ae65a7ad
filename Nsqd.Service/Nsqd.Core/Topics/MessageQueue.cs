using System.Buffers;
using System.Buffers.Binary;
using Nsq.Protocol.V2;
using Nsqd.DiskQueue;

namespace Nsqd.Core.Topics;

/// <summary>
/// Spec §1.5: a bounded in-memory FIFO of at most <c>--mem-queue-size</c> messages in front of a backend queue.
/// Back-pressure policy: a put never blocks and memory never grows past the bound — when memory is full the message is
/// written to the backend (the disk queue, or the dummy backend that drops for #ephemeral). Overflow of one batch is
/// staged and written with one <see cref="IBackendQueue.PutFramed"/> call (one write syscall per segment instead of one
/// per message). If that write fails (disk full) the staged messages stay in memory past the bound, health turns NOK
/// and the publisher gets the error: nothing acknowledged is dropped. Reads prefer memory, so order between memory and
/// disk is not preserved (as nsqd documents). Not thread-safe: the owner's lock guards it.
/// </summary>
/// <remarks>
/// With <c>--durability=durable</c> the memory capacity is 0 (every message goes through the disk queue) and each write
/// is reported to the group commit, which fsyncs it before the publisher is answered.
/// </remarks>
internal sealed class MessageQueue(int memoryCapacity, IBackendQueue backend, Storage.GroupCommit? commit = null)
{
    private readonly Queue<Message> _memory = new(Math.Min(memoryCapacity, 1024));
    private ArrayBufferWriter<byte> _staged = new(256);
    private readonly List<Message> _stagedMessages = [];
    // One entry per staged message, but only once a staged message has headers: a batch without headers passes no
    // flags at all, so the go-diskqueue path costs nothing extra.
    private readonly List<RecordFlags> _stagedFlags = [];

    public IBackendQueue Backend { get; } = backend;
    public int MemoryCount => _memory.Count;
    public long BackendDepth => Backend.Depth;
    public long Depth => _memory.Count + Backend.Depth;

    /// <summary>Memory if there is room, else the backend. Throws IOException when the disk write fails.</summary>
    public void Put(Message m)
    {
        Stage(m);
        Commit();
    }

    /// <summary>Memory if there is room, else staged for the backend; <see cref="Commit"/> before releasing the lock.</summary>
    public void Stage(Message m)
    {
        if (_memory.Count < memoryCapacity && _stagedMessages.Count == 0)
        {
            _memory.Enqueue(m);
            return;
        }
        StageToBackend(m);
    }

    /// <summary>Stages a message for the backend regardless of room in memory (clean-shutdown flush).</summary>
    public void StageToBackend(Message m)
    {
        var len = MessageRecord.Length(m);
        var span = _staged.GetSpan(4 + len);
        BinaryPrimitives.WriteInt32BigEndian(span, len);
        MessageRecord.Write(m, span[4..]);
        _staged.Advance(4 + len);
        if (m.HasHeaders || _stagedFlags.Count > 0)
        {
            while (_stagedFlags.Count < _stagedMessages.Count) _stagedFlags.Add(RecordFlags.None);
            _stagedFlags.Add(MessageRecord.Flags(m));
        }
        _stagedMessages.Add(m);
    }

    /// <summary>Writes what was staged. On failure the staged messages are kept in memory and the error is rethrown.</summary>
    public void Commit()
    {
        if (_stagedMessages.Count == 0) return;
        try
        {
            if (_stagedFlags.Count == 0) Backend.PutFramed(_staged.WrittenSpan);
            else Backend.PutFramed(_staged.WrittenSpan, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_stagedFlags));
            commit?.MarkDirty(Backend);
            // On disk now: the objects are no longer referenced by anyone (see Topic.FanOut for the ordering that makes
            // this true of fan-out originals).
            foreach (var m in _stagedMessages) m.Release();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            foreach (var m in _stagedMessages) _memory.Enqueue(m);
            throw new IOException(e.Message, e);
        }
        finally
        {
            // A shutdown flush can stage a whole memory queue: do not keep a buffer that size around afterwards.
            if (_staged.Capacity > 4 << 20) _staged = new ArrayBufferWriter<byte>(256);
            else _staged.ResetWrittenCount();
            _stagedMessages.Clear();
            _stagedFlags.Clear();
        }
    }

    public bool TryTake(out Message m)
    {
        if (_memory.TryDequeue(out m!)) return true;
        while (Backend.Depth > 0 && Backend.TryRead(out var record, out var token, out var flags))
        {
            var decoded = MessageRecord.Read(record, flags);
            if (decoded is not null)
            {
                decoded.DiskToken = token;
                m = decoded;
                return true;
            }
            Backend.Confirm(token);
        }
        m = null!;
        return false;
    }

    /// <summary>
    /// The first <paramref name="n"/> messages <see cref="TryTake"/> would return, copied, without taking them: memory in
    /// queue order, then the oldest unread disk records (records that do not decode are passed over, as TryTake does).
    /// </summary>
    public List<Nsq.Protocol.Http.PeekedMessage> Peek(int n)
    {
        var result = new List<Nsq.Protocol.Http.PeekedMessage>(Math.Min(n, _memory.Count + 16));
        foreach (var m in _memory)
        {
            if (result.Count == n) return result;
            result.Add(new() { Id = MessageId.ToString(m.Id), Timestamp = m.TimestampNs, Attempts = m.Attempts, Body = m.Body.ToArray() });
        }
        if (result.Count == n || Backend.Depth == 0) return result;
        foreach (var (record, flags) in Backend.PeekWithFlags(n - result.Count))
        {
            if (MessageRecord.Read(record, flags) is not { } m) continue;
            result.Add(new() { Id = MessageId.ToString(m.Id), Timestamp = m.TimestampNs, Attempts = m.Attempts, Body = m.Body.ToArray() });
        }
        return result;
    }

    /// <summary>
    /// The record of <paramref name="m"/> (read from disk) is no longer needed: confirm it now, or — when
    /// <paramref name="afterCommit"/> because the message was just written to another queue — after the next fsync.
    /// </summary>
    public void Confirm(Message m, bool afterCommit = false)
    {
        var token = m.DiskToken;
        m.DiskToken = 0;
        ConfirmToken(token, afterCommit);
    }

    /// <summary>As <see cref="Confirm(Message, bool)"/> for a token taken off its message earlier; 0 is ignored.</summary>
    public void ConfirmToken(long token, bool afterCommit)
    {
        if (token == 0) return;
        if (afterCommit && commit is not null) commit.ConfirmAfterCommit(Backend, token);
        else Backend.Confirm(token);
    }

    /// <summary>Segments of a disk backend in which damage was found (0 for the #ephemeral dummy).</summary>
    public static long BadSegments(IBackendQueue backend) => (backend as DiskQueue.DiskQueue)?.CorruptSegments ?? 0;

    /// <summary>Records a disk backend lost to damage (0 for the #ephemeral dummy).</summary>
    public static long CorruptRecords(IBackendQueue backend) => (backend as DiskQueue.DiskQueue)?.CorruptRecords ?? 0;

    /// <summary>Drops everything in memory and on disk.</summary>
    public void Empty()
    {
        _memory.Clear();
        Backend.Empty();
    }

    /// <summary>Clean shutdown: memory goes to the backend so that nothing is lost.</summary>
    public void FlushMemoryToBackend()
    {
        while (_memory.TryDequeue(out var m)) StageToBackend(m);
        Commit();
    }
}
