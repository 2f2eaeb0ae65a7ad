using System.Diagnostics.CodeAnalysis;

namespace Nsqd.DiskQueue;

/// <summary>
/// The FIFO a topic or channel spills to when its memory queue is full (nsqd's BackendQueue).
/// Records are opaque byte strings; nsqd stores the §2.4 message layout in them.
/// All members are safe to call from several threads at once.
/// </summary>
public interface IBackendQueue : IDisposable
{
    /// <summary>Number of records stored and not yet read.</summary>
    long Depth { get; }

    /// <summary>Appends one record.</summary>
    /// <exception cref="InvalidDataException">The record size is outside the configured min/max.</exception>
    /// <exception cref="IOException">The record could not be written.</exception>
    /// <exception cref="ObjectDisposedException">The queue was closed or deleted.</exception>
    void Put(ReadOnlySpan<byte> record);

    /// <summary>
    /// Appends several records given in the on-disk framing, <c>[int32 big-endian L][L bytes]</c> back to back,
    /// with as few writes as the segment boundaries allow. All records are validated before any is written.
    /// </summary>
    /// <exception cref="InvalidDataException">A record size is outside the configured min/max, or the framing is broken.</exception>
    /// <exception cref="IOException">A write failed (records of earlier segments may have been stored).</exception>
    void PutFramed(ReadOnlySpan<byte> framed);

    /// <summary>
    /// Appends one record with <paramref name="flags"/>. The default serves backends without flags: plain records only.
    /// </summary>
    /// <exception cref="NotSupportedException">Flags on a backend that cannot store them.</exception>
    void Put(ReadOnlySpan<byte> record, RecordFlags flags)
    {
        if (flags != RecordFlags.None) throw new NotSupportedException("this backend stores no record flags");
        Put(record);
    }

    /// <summary>
    /// As <see cref="PutFramed(ReadOnlySpan{byte})"/>, with one flags value per record (empty: all plain). The default
    /// serves backends without flags: plain records only.
    /// </summary>
    /// <exception cref="NotSupportedException">Flags on a backend that cannot store them.</exception>
    void PutFramed(ReadOnlySpan<byte> framed, ReadOnlySpan<RecordFlags> flags)
    {
        foreach (RecordFlags f in flags)
        {
            if (f != RecordFlags.None) throw new NotSupportedException("this backend stores no record flags");
        }

        PutFramed(framed);
    }

    /// <summary>As <see cref="TryRead(out byte[], out long)"/>, also returning the record's flags.</summary>
    bool TryRead([NotNullWhen(true)] out byte[]? record, out long token, out RecordFlags flags)
    {
        flags = RecordFlags.None;
        return TryRead(out record, out token);
    }

    /// <summary>As <see cref="TryReadAt(long, out byte[])"/>, also returning the record's flags.</summary>
    bool TryReadAt(long token, [NotNullWhen(true)] out byte[]? record, out RecordFlags flags)
    {
        flags = RecordFlags.None;
        return TryReadAt(token, out record);
    }

    /// <summary>As <see cref="Peek"/>, with each record's flags.</summary>
    IReadOnlyList<(byte[] Record, RecordFlags Flags)> PeekWithFlags(int max)
    {
        IReadOnlyList<byte[]> records = Peek(max);
        var result = new List<(byte[], RecordFlags)>(records.Count);
        foreach (byte[] record in records)
        {
            result.Add((record, RecordFlags.None));
        }

        return result;
    }

    /// <summary>Removes and returns the oldest record; false when the queue is empty (or closed).</summary>
    bool TryRead([NotNullWhen(true)] out byte[]? record);

    /// <summary>
    /// Removes and returns the oldest record with a token naming its position. On a queue opened with read
    /// confirmation the persisted read position never passes a record until <see cref="Confirm"/> is called with its
    /// token, so after a crash every unconfirmed record is read again (at-least-once). Elsewhere the token is only
    /// informational.
    /// </summary>
    bool TryRead([NotNullWhen(true)] out byte[]? record, out long token);

    /// <summary>Marks a record returned by <see cref="TryRead(out byte[], out long)"/> as done (a no-op without read confirmation).</summary>
    void Confirm(long token);

    /// <summary>
    /// Up to <paramref name="max"/> of the oldest unread records, in read order, without consuming them or changing
    /// anything a reader would see.
    /// </summary>
    IReadOnlyList<byte[]> Peek(int max);

    /// <summary>Reads the record at <paramref name="token"/> again, if its segment is still on disk (an unconfirmed record's is).</summary>
    bool TryReadAt(long token, [NotNullWhen(true)] out byte[]? record);

    /// <summary>
    /// fsyncs what was written so far (no metadata): once this returns every record put before the call survives a
    /// crash of the process or the machine. Used by the broker's group commit.
    /// </summary>
    void FlushWrites();

    /// <summary>Drops every stored record; the queue stays usable.</summary>
    void Empty();

    /// <summary>Makes everything durable (fsync + metadata) and releases the files.</summary>
    void Close();

    /// <summary>Removes the queue's files and metadata and releases them, without syncing.</summary>
    void Delete();
}
