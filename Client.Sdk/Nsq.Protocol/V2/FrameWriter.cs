using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Nsq.Protocol.V2;

/// <summary>
/// Spec §2.3: server → client frames, <c>[int32 size][int32 frameType][data]</c> with size = 4 + len(data).
/// Writes straight into the connection's buffer writer: no intermediate arrays.
/// </summary>
public static class FrameWriter
{
    /// <summary>Size prefix (4) + frame type (4).</summary>
    public const int FrameHeaderLength = 8;

    /// <summary>Writes a response frame carrying <paramref name="data"/>.</summary>
    public static void WriteResponse(IBufferWriter<byte> output, ReadOnlySpan<byte> data) => Write(output, FrameType.Response, data);

    /// <summary>Writes an error frame carrying <paramref name="text"/> (UTF-8).</summary>
    public static void WriteError(IBufferWriter<byte> output, ReadOnlySpan<byte> text) => Write(output, FrameType.Error, text);

    /// <summary>Writes an error frame carrying <paramref name="text"/>, encoded as UTF-8.</summary>
    public static void WriteError(IBufferWriter<byte> output, string text)
    {
        var n = Encoding.UTF8.GetByteCount(text);
        var span = output.GetSpan(FrameHeaderLength + n);
        BinaryPrimitives.WriteInt32BigEndian(span, 4 + n);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], (int)FrameType.Error);
        Encoding.UTF8.GetBytes(text, span[FrameHeaderLength..]);
        output.Advance(FrameHeaderLength + n);
    }

    /// <summary>Writes a frame of type <paramref name="type"/> carrying <paramref name="data"/>.</summary>
    public static void Write(IBufferWriter<byte> output, FrameType type, ReadOnlySpan<byte> data)
    {
        var span = output.GetSpan(FrameHeaderLength + data.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, 4 + data.Length);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], (int)type);
        data.CopyTo(span[FrameHeaderLength..]);
        output.Advance(FrameHeaderLength + data.Length);
    }

    /// <summary>Spec §2.3 + §2.4: a FrameTypeMessage frame carrying the 26-byte message header and the body.</summary>
    public static void WriteMessage(IBufferWriter<byte> output, long timestampNs, ushort attempts, ulong id, ReadOnlySpan<byte> body)
    {
        var total = FrameHeaderLength + MessageLayout.HeaderLength + body.Length;
        var span = output.GetSpan(total);
        BinaryPrimitives.WriteInt32BigEndian(span, total - 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], (int)FrameType.Message);
        MessageLayout.Write(span[FrameHeaderLength..], timestampNs, attempts, id, body);
        output.Advance(total);
    }

    /// <summary>
    /// A FrameTypeMessage frame for a client that negotiated message headers (docs/message-headers.md): the 26-byte
    /// message header, then <c>[u16 H][headerEntries][body]</c>; H = 0 (<c>00 00</c>) for a message without headers.
    /// </summary>
    public static void WriteMessage(IBufferWriter<byte> output, long timestampNs, ushort attempts, ulong id,
        ReadOnlySpan<byte> headerEntries, ReadOnlySpan<byte> body)
    {
        var block = MessageHeaders.LengthPrefixSize + headerEntries.Length;
        var total = FrameHeaderLength + MessageLayout.HeaderLength + block + body.Length;
        var span = output.GetSpan(total);
        BinaryPrimitives.WriteInt32BigEndian(span, total - 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], (int)FrameType.Message);
        var layout = span[FrameHeaderLength..];
        MessageLayout.WriteHeader(layout, timestampNs, attempts, id);
        BinaryPrimitives.WriteUInt16BigEndian(layout[MessageLayout.HeaderLength..], checked((ushort)headerEntries.Length));
        headerEntries.CopyTo(layout[(MessageLayout.HeaderLength + MessageHeaders.LengthPrefixSize)..]);
        body.CopyTo(layout[(MessageLayout.HeaderLength + block)..]);
        output.Advance(total);
    }
}
