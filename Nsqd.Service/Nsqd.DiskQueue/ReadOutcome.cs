namespace Nsqd.DiskQueue;

/// <summary>What one attempt to read the record at the read position produced.</summary>
internal enum ReadOutcome
{
    /// <summary>A complete, valid record.</summary>
    Record,

    /// <summary>The completed segment has no more records: move to the next file.</summary>
    EndOfSegment,

    /// <summary>A completed segment's file does not exist (deleted before a crash, or by hand).</summary>
    Missing,

    /// <summary>
    /// A completed segment ends in a partial record (a write cut short by a crash): everything before it is intact,
    /// the partial record was never acknowledged. The file is truncated to its last whole record.
    /// </summary>
    TornTail,

    /// <summary>A checked record that is not valid (docs/storage-format.md): skip to the next valid one.</summary>
    Damaged,

    /// <summary>Invalid length, torn or short go-diskqueue record: the segment is bad.</summary>
    Corrupt,
}
