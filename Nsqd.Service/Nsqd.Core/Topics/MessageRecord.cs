using Nsq.Protocol.V2;

namespace Nsqd.Core.Topics;

/// <summary>Spec §5.1: a disk-queue record's payload is the message layout of §2.4 (ts, attempts, id, body).</summary>
internal static class MessageRecord
{
    public static void Write(Message m, Span<byte> destination)
        => MessageLayout.Write(destination, m.TimestampNs, m.Attempts, m.Id, m.Body);

    public static int Length(Message m) => MessageLayout.HeaderLength + m.BodyLength;

    /// <summary>Null when the record is shorter than a header or its ID is not hex (a record we did not write).</summary>
    public static Message? Read(byte[] record)
    {
        if (!MessageLayout.TryReadHeader(record, out var ts, out var attempts, out var id)) return null;
        return Message.Create(id, ts, record.AsSpan(MessageLayout.HeaderLength), attempts);
    }
}
