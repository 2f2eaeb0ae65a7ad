using System.Buffers.Binary;
using Nsq.Protocol.V2;
using Nsqd.Core.Infrastructure;
using Nsqd.DiskQueue;

namespace Nsqd.Core.Topics;

/// <summary>
/// The deferred set of a channel (or of a topic without channels) with its due times kept on disk, so that DPUB,
/// <c>/pub?defer=</c> and REQ-with-delay keep their due time across restarts (nsqd delivers them at once, #1107).
/// Every deferred message is appended to a journal (a disk queue opened with read confirmation, named
/// <c>&lt;queue&gt;~deferred</c>: '~' is not allowed in names, so it never collides with a channel). Its record is
/// <c>[int64 BE due, Unix ms][MessageRecord]</c> (§2.4, after a header block when flagged). The journal is read back
/// right after each append to get the record's
/// token; the record is confirmed once the message has left the deferred set (due and moved to the ready queue, or
/// dropped). After a restart the journal's unconfirmed records are the deferred set.
/// Memory policy: at most <c>memoryCapacity</c> message bodies are kept; beyond that only (due, token) stays in memory
/// and the body is read back from the journal when due, so a large deferred backlog spills to disk like the rest.
/// Not thread-safe: the owner's lock guards it.
/// </summary>
internal sealed class DeferredStore
{
    /// <summary>Bytes in front of the message record: the due time.</summary>
    public const int DueSize = 8;

    private readonly PriorityQueue<Entry, long> _entries = new();
    private readonly Storage.GroupCommit? _commit;
    private readonly int _memoryCapacity;
    private readonly Action<string> _onError;
    private readonly HashSet<ulong> _loadedIds = [];
    private int _inMemory;

    public DeferredStore(IBackendQueue journal, int memoryCapacity, Storage.GroupCommit? commit, Action<string> onError)
    {
        Journal = journal;
        _memoryCapacity = memoryCapacity;
        _commit = commit;
        _onError = onError;
        Load();
    }

    private readonly record struct Entry(Message? Message, long Token, ulong Id);

    public IBackendQueue Journal { get; }
    public int Count => _entries.Count;

    /// <summary>
    /// True when <paramref name="id"/> is a deferred message read back from the journal at startup and not yet due.
    /// After a crash the ready queue can still hold the record such a message was deferred from (a REQ with delay, or
    /// a due message moved back): that copy must not be delivered early — the journal's copy keeps the due time.
    /// </summary>
    public bool HoldsLoaded(ulong id) => _loadedIds.Count > 0 && _loadedIds.Contains(id);

    /// <summary>Defers <paramref name="m"/> until the monotonic time <paramref name="dueMs"/>.</summary>
    public void Add(Message m, long dueMs)
    {
        long token = 0;
        try
        {
            Journal.Put(Encode(m, ToUnixMs(dueMs)), MessageRecord.Flags(m));
            _commit?.MarkDirty(Journal);
            // The journal is always read to its end, so this returns the record just written (and its token).
            if (Journal.TryRead(out _, out var t)) token = t;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException)
        {
            // Kept in memory only: deferred as before, just not surviving a restart.
            _onError($"failed to journal a deferred message - {e.Message}");
        }
        Enqueue(m, token, dueMs);
    }

    /// <summary>Takes the next message due at <paramref name="nowMs"/>; its token must be passed to <see cref="Confirm"/> once it is safe elsewhere.</summary>
    public bool TryTakeDue(long nowMs, out Message m, out long token)
    {
        while (_entries.TryPeek(out var e, out var due) && due <= nowMs)
        {
            _entries.Dequeue();
            _loadedIds.Remove(e.Id);
            token = e.Token;
            if (e.Message is { } held)
            {
                _inMemory--;
                held.DiskToken = 0;
                m = held;
                return true;
            }
            if (Journal.TryReadAt(e.Token, out var record, out var flags) && Decode(record, flags, out _, out var read))
            {
                m = read;
                return true;
            }
            _onError("a spilled deferred message could not be read back from its journal; it is lost");
            Journal.Confirm(e.Token);
        }
        m = null!;
        token = 0;
        return false;
    }

    /// <summary>The message taken with <paramref name="token"/> is safe elsewhere (after the next fsync in durable mode).</summary>
    public void Confirm(long token)
    {
        if (token == 0) return;
        if (_commit is not null) _commit.ConfirmAfterCommit(Journal, token);
        else Journal.Confirm(token);
    }

    /// <summary>Every deferred message with its due time, leaving the set empty (topic drain into channels).</summary>
    public void TakeAll(List<(Message Message, long DueMs, long Token)> into)
    {
        _loadedIds.Clear();
        while (_entries.TryDequeue(out var e, out var due))
        {
            if (e.Message is { } held)
            {
                _inMemory--;
                into.Add((held, due, e.Token));
            }
            else if (Journal.TryReadAt(e.Token, out var record, out var flags) && Decode(record, flags, out _, out var read))
            {
                into.Add((read, due, e.Token));
            }
        }
    }

    /// <summary>Drops every deferred message and the journal's records.</summary>
    public void Clear()
    {
        _entries.Clear();
        _loadedIds.Clear();
        _inMemory = 0;
        Journal.Empty();
    }

    /// <summary>
    /// Clean shutdown: rewrite the pending messages as fresh records and confirm the old ones, so the journal starts the
    /// next run with exactly the deferred set (records confirmed out of order would otherwise be read again), then close.
    /// Crash-safe: the old records are only released by the metadata written after the new ones are fsynced.
    /// </summary>
    public void CloseCompacted()
    {
        var old = new List<long>(_entries.Count);
        try
        {
            while (_entries.TryDequeue(out var e, out var due))
            {
                if (e.Message is { } held) Journal.Put(Encode(held, ToUnixMs(due)), MessageRecord.Flags(held));
                else if (Journal.TryReadAt(e.Token, out var record, out var flags)) Journal.Put(record, flags);
                old.Add(e.Token);
            }
            foreach (var token in old) Journal.Confirm(token);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException)
        {
            _onError($"failed to rewrite the deferred journal - {e.Message}; unconfirmed records are kept");
        }
        Journal.Close();
    }

    private void Load()
    {
        var now = Clock.NowMs;
        var unixNow = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        while (Journal.TryRead(out var record, out var token, out var flags))
        {
            if (!Decode(record, flags, out var dueUnixMs, out var m))
            {
                Journal.Confirm(token);
                continue;
            }
            _loadedIds.Add(m.Id);
            Enqueue(m, token, now + Math.Max(0, dueUnixMs - unixNow));
        }
    }

    private void Enqueue(Message m, long token, long dueMs)
    {
        var id = m.Id;
        if (token != 0 && _inMemory >= _memoryCapacity)
        {
            m.Release(); // the body is in the journal; read back when due
            _entries.Enqueue(new Entry(null, token, id), dueMs);
            return;
        }
        _inMemory++;
        _entries.Enqueue(new Entry(m, token, id), dueMs);
    }

    private static long ToUnixMs(long dueMs) => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (dueMs - Clock.NowMs);

    private static byte[] Encode(Message m, long dueUnixMs)
    {
        var record = new byte[DueSize + MessageRecord.Length(m)];
        BinaryPrimitives.WriteInt64BigEndian(record, dueUnixMs);
        MessageRecord.Write(m, record.AsSpan(DueSize));
        return record;
    }

    private static bool Decode(byte[] record, RecordFlags flags, out long dueUnixMs, out Message m)
    {
        m = null!;
        dueUnixMs = 0;
        if (record.Length < DueSize + MessageLayout.HeaderLength) return false;
        dueUnixMs = BinaryPrimitives.ReadInt64BigEndian(record);
        if (MessageRecord.Read(record.AsSpan(DueSize), flags) is not { } read) return false;
        m = read;
        return true;
    }
}
