namespace Nsqd.DiskQueue;

/// <summary>
/// The flags byte of a checked record (docs/storage-format.md). go-diskqueue records have no flags, so a queue that
/// writes go-diskqueue records switches to checked ones, in a new segment, for the first flagged record.
/// </summary>
[Flags]
public enum RecordFlags : byte
{
    /// <summary>A plain record.</summary>
    None = 0,

    /// <summary>Bit 0: the broker's payload starts with a message header block (docs/message-headers.md).</summary>
    Headers = 1,
}
