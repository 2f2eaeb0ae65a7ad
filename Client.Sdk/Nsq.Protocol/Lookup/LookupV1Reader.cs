using System.Buffers;
using System.Buffers.Binary;

namespace Nsq.Protocol.Lookup;

/// <summary>Spec §6.2: reads lookupd's untyped <c>[int32 size][data]</c> responses from a buffer that may span segments.</summary>
public static class LookupV1Reader
{
    /// <summary>Takes one response from the front of <paramref name="buffer"/>; false (untouched) when incomplete.</summary>
    /// <exception cref="InvalidDataException">A negative size or one above <paramref name="maxSize"/>.</exception>
    public static bool TryReadResponse(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> data, int maxSize)
    {
        data = default;
        if (buffer.Length < 4) return false;
        Span<byte> head = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(head);
        var size = BinaryPrimitives.ReadInt32BigEndian(head);
        if (size < 0 || size > maxSize) throw new InvalidDataException($"invalid lookupd response size {size}");
        if (buffer.Length < 4L + size) return false;
        data = buffer.Slice(4, size);
        buffer = buffer.Slice(4L + size);
        return true;
    }

    /// <summary>Errors are <c>"&lt;CODE&gt; &lt;desc&gt;"</c> with a code starting <c>E_</c>; anything else is a success body.</summary>
    public static bool IsError(ReadOnlySpan<byte> data) => data.StartsWith("E_"u8);
}
