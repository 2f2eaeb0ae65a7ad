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

    /// <summary>Removes and returns the oldest record; false when the queue is empty (or closed).</summary>
    bool TryRead([NotNullWhen(true)] out byte[]? record);

    /// <summary>Drops every stored record; the queue stays usable.</summary>
    void Empty();

    /// <summary>Makes everything durable (fsync + metadata) and releases the files.</summary>
    void Close();

    /// <summary>Removes the queue's files and metadata and releases them, without syncing.</summary>
    void Delete();
}
