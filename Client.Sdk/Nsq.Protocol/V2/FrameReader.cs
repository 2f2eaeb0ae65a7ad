using System.Buffers;
using System.Buffers.Binary;

namespace Nsq.Protocol.V2;

/// <summary>A frame as read by a client: its type and its data (a slice of the read buffer, valid until it is advanced).</summary>
public readonly struct Frame(FrameType type, ReadOnlySequence<byte> data)
{
    /// <summary>The frame type.</summary>
    public FrameType Type { get; } = type;
    /// <summary>The frame data (after the type).</summary>
    public ReadOnlySequence<byte> Data { get; } = data;
}

/// <summary>Spec §2.3: reads <c>[int32 size][int32 type][data]</c> frames from a buffer that may span segments.</summary>
public static class FrameReader
{
    /// <summary>Takes one whole frame from the front of <paramref name="buffer"/>; false (buffer untouched) when incomplete.</summary>
    /// <exception cref="InvalidDataException">The size is below 4 or above <paramref name="maxFrameSize"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out Frame frame, int maxFrameSize = 64 * 1024 * 1024)
    {
        frame = default;
        if (buffer.Length < 8) return false;
        Span<byte> head = stackalloc byte[8];
        buffer.Slice(0, 8).CopyTo(head);
        var size = BinaryPrimitives.ReadInt32BigEndian(head);
        if (size < 4 || size > maxFrameSize) throw new InvalidDataException($"invalid frame size {size}");
        if (buffer.Length < 4L + size) return false;
        var type = (FrameType)BinaryPrimitives.ReadInt32BigEndian(head[4..]);
        frame = new Frame(type, buffer.Slice(8, size - 4));
        buffer = buffer.Slice(4L + size);
        return true;
    }
}
