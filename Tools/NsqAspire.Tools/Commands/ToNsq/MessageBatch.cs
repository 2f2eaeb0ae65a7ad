using System.Buffers;

namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary>
/// The messages of one publish: slices of the input pipe's memory where a message lies in one segment, pooled copies
/// where it straddles segments or was read in pieces (returned to the pool by <see cref="Clear"/>).
/// </summary>
internal sealed class MessageBatch
{
    /// <summary>MPUB's framing per message (the 4-byte size) counts towards the batch's size.</summary>
    private const int FramingPerMessage = 4;

    // A List so that the SDK's MPUB encoder reads it as a span without copying.
    private readonly List<ReadOnlyMemory<byte>> _bodies = [];
    private readonly List<byte[]> _rented = [];

    public IReadOnlyList<ReadOnlyMemory<byte>> Bodies => _bodies;

    public int Count => _bodies.Count;

    /// <summary>The size of the batch as an MPUB body.</summary>
    public long Bytes { get; private set; }

    /// <summary>Adds a message whose memory stays valid until the batch is cleared.</summary>
    public void Add(ReadOnlyMemory<byte> body)
    {
        _bodies.Add(body);
        Bytes += body.Length + FramingPerMessage;
    }

    /// <summary>Adds the first <paramref name="length"/> bytes of a pooled array, which the batch now owns.</summary>
    public void AddRented(byte[] array, int length)
    {
        _rented.Add(array);
        Add(array.AsMemory(0, length));
    }

    public void Clear()
    {
        foreach (var array in _rented) ArrayPool<byte>.Shared.Return(array);
        _rented.Clear();
        _bodies.Clear();
        Bytes = 0;
    }
}
