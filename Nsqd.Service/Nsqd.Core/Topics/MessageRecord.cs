using Nsq.Protocol.V2;
using Nsqd.DiskQueue;

namespace Nsqd.Core.Topics;

/// <summary>
/// Spec §5.1: a disk-queue record's payload is the message layout of §2.4 (ts, attempts, id, body). A message with
/// headers is stored as <c>[u16 H][entries][§2.4 layout]</c> in a record flagged <see cref="RecordFlags.Headers"/>
/// (docs/storage-format.md), which only checked records can carry; one without keeps exactly the old payload.
/// </summary>
internal static class MessageRecord
{
    public static void Write(Message m, Span<byte> destination)
    {
        var block = m.HeaderBlock;
        block.CopyTo(destination);
        MessageLayout.Write(destination[block.Length..], m.TimestampNs, m.Attempts, m.Id, m.Body);
    }

    public static int Length(Message m) => m.HeaderBlock.Length + MessageLayout.HeaderLength + m.BodyLength;

    /// <summary>The flags of the record <see cref="Write"/> produces.</summary>
    public static RecordFlags Flags(Message m) => m.HasHeaders ? RecordFlags.Headers : RecordFlags.None;

    /// <summary>
    /// Null when the record is shorter than a header, its ID is not hex, or its header block does not fit (a record we
    /// did not write).
    /// </summary>
    public static Message? Read(ReadOnlySpan<byte> record, RecordFlags flags)
    {
        ReadOnlySpan<byte> block = default;
        if ((flags & RecordFlags.Headers) != 0)
        {
            if (!MessageHeaders.TrySplit(record, out _, out var blockLength)) return null;
            block = record[..blockLength];
            record = record[blockLength..];
        }
        if (!MessageLayout.TryReadHeader(record, out var ts, out var attempts, out var id)) return null;
        return Message.Create(id, ts, block, record[MessageLayout.HeaderLength..], attempts);
    }
}
