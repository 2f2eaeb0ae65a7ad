using System.Buffers.Binary;

namespace Nsq.Protocol.V2;

/// <summary>
/// Spec §2.4: the message layout inside a FrameTypeMessage frame and in a disk-queue record.
/// <code>
/// offset 0  int64  timestamp (Unix ns, big-endian)
/// offset 8  uint16 attempts
/// offset 10 16 B   message ID (ASCII hex)
/// offset 26 N B    body
/// </code>
/// </summary>
public static class MessageLayout
{
    /// <summary>The header length: timestamp, attempts and ID.</summary>
    public const int HeaderLength = 26;
    /// <summary>Offset of the int64 timestamp (Unix nanoseconds, big-endian).</summary>
    public const int TimestampOffset = 0;
    /// <summary>Offset of the uint16 attempts count (big-endian).</summary>
    public const int AttemptsOffset = 8;
    /// <summary>Offset of the 16-byte message ID.</summary>
    public const int IdOffset = 10;

    /// <summary>Writes the 26-byte header.</summary>
    public static void WriteHeader(Span<byte> destination, long timestampNs, ushort attempts, ulong id)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, timestampNs);
        BinaryPrimitives.WriteUInt16BigEndian(destination[AttemptsOffset..], attempts);
        MessageId.Format(id, destination[IdOffset..]);
    }

    /// <summary>Writes header and body; <paramref name="destination"/> must hold <c>26 + body.Length</c> bytes.</summary>
    public static int Write(Span<byte> destination, long timestampNs, ushort attempts, ulong id, ReadOnlySpan<byte> body)
    {
        WriteHeader(destination, timestampNs, attempts, id);
        body.CopyTo(destination[HeaderLength..]);
        return HeaderLength + body.Length;
    }

    /// <summary>Reads a header; false when shorter than 26 bytes or the ID is not hex.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> source, out long timestampNs, out ushort attempts, out ulong id)
    {
        timestampNs = 0; attempts = 0; id = 0;
        if (source.Length < HeaderLength) return false;
        timestampNs = BinaryPrimitives.ReadInt64BigEndian(source);
        attempts = BinaryPrimitives.ReadUInt16BigEndian(source[AttemptsOffset..]);
        return MessageId.TryParse(source.Slice(IdOffset, MessageId.Length), out id);
    }
}
