using System.Diagnostics.CodeAnalysis;

namespace Nsqd.DiskQueue;

/// <summary>
/// Backend for #ephemeral topics and channels: they never touch disk, so overflow is dropped
/// (nsqd's dummyBackendQueue). Depth is always 0.
/// </summary>
public sealed class DummyBackendQueue : IBackendQueue
{
    /// <inheritdoc />
    public long Depth => 0;

    /// <inheritdoc />
    public void Put(ReadOnlySpan<byte> record)
    {
        // Intentionally discarded: ephemeral data is allowed to be lost.
    }

    /// <summary>Discards the records.</summary>
    public void PutFramed(ReadOnlySpan<byte> framed)
    {
    }

    /// <summary>Discards the record.</summary>
    public void Put(ReadOnlySpan<byte> record, RecordFlags flags)
    {
    }

    /// <summary>Discards the records.</summary>
    public void PutFramed(ReadOnlySpan<byte> framed, ReadOnlySpan<RecordFlags> flags)
    {
    }

    /// <inheritdoc />
    public bool TryRead([NotNullWhen(true)] out byte[]? record)
    {
        record = null;
        return false;
    }

    /// <inheritdoc />
    public bool TryRead([NotNullWhen(true)] out byte[]? record, out long token)
    {
        token = 0;
        record = null;
        return false;
    }

    /// <inheritdoc />
    public void Confirm(long token)
    {
    }

    /// <inheritdoc />
    public IReadOnlyList<byte[]> Peek(int max) => [];

    /// <inheritdoc />
    public bool TryReadAt(long token, [NotNullWhen(true)] out byte[]? record)
    {
        record = null;
        return false;
    }

    /// <inheritdoc />
    public void FlushWrites()
    {
    }

    /// <inheritdoc />
    public void Empty()
    {
    }

    /// <inheritdoc />
    public void Close()
    {
    }

    /// <inheritdoc />
    public void Delete()
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
