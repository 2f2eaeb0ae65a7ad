using System.Buffers;

namespace Nsqd.Core.Topics;

/// <summary>
/// A message as one channel holds it: its own copy of the body (fan-out copies the bytes once per extra channel, so no
/// reference count is shared between channels) plus per-channel attempts and delivery state.
/// Objects and body buffers are pooled (<see cref="MessagePool"/>): a message goes back to the pool exactly when nothing
/// can reach it any more — after its FIN, or once it is written to the disk queue — so the steady publish → deliver →
/// FIN path allocates nothing. Every other way a message leaves (empty, delete, sample drop) leaves it to the GC, which
/// is always safe.
/// </summary>
internal sealed class Message
{
    // [u16 H][H bytes of header entries][body] when the message has a header block, else just [body]: one pooled
    // buffer either way, so a message without headers costs exactly what it did before the extension.
    private byte[] _buffer = [];
    private int _bodyOffset;
    private int _length;

    private Message()
    {
    }

    /// <summary>A message whose body is copied from <paramref name="body"/> into a pooled buffer.</summary>
    public static Message Create(ulong id, long timestampNs, ReadOnlySpan<byte> body, ushort attempts = 0)
        => Create(id, timestampNs, default, body, attempts);

    /// <summary>
    /// A message with a header block (<c>[u16 H][entries]</c>, validated by the caller; empty or <c>00 00</c>: no
    /// headers) and a body, both copied into one pooled buffer.
    /// </summary>
    public static Message Create(ulong id, long timestampNs, ReadOnlySpan<byte> headerBlock, ReadOnlySpan<byte> body, ushort attempts = 0)
    {
        if (headerBlock.Length <= Nsq.Protocol.V2.MessageHeaders.LengthPrefixSize) headerBlock = default;
        var m = Rent(id, timestampNs, attempts, headerBlock.Length, body.Length);
        headerBlock.CopyTo(m._buffer);
        body.CopyTo(m._buffer.AsSpan(m._bodyOffset));
        return m;
    }

    /// <summary>As <see cref="Create(ulong, long, ReadOnlySpan{byte}, ushort)"/>, from a body that may span pipe segments.</summary>
    public static Message Create(ulong id, long timestampNs, in ReadOnlySequence<byte> body)
    {
        var m = Rent(id, timestampNs, 0, 0, (int)body.Length);
        body.CopyTo(m._buffer);
        return m;
    }

    /// <summary>
    /// From a negotiated client's payload <c>[u16 H][entries][body]</c> (validated by the caller) that may span pipe
    /// segments: copied once, as is, so the block and body land in the buffer without a second pass.
    /// </summary>
    public static Message CreateWithBlock(ulong id, long timestampNs, in ReadOnlySequence<byte> payload, int blockLength)
    {
        var m = Rent(id, timestampNs, 0, blockLength, (int)payload.Length - blockLength);
        payload.CopyTo(m._buffer);
        return m;
    }

    private static Message Rent(ulong id, long timestampNs, ushort attempts, int blockLength, int bodyLength)
    {
        var m = MessagePool.RentMessage() ?? new Message();
        m.Id = id;
        m.TimestampNs = timestampNs;
        m.Attempts = attempts;
        m.DiskToken = 0;
        m._bodyOffset = blockLength;
        m._length = bodyLength;
        m._buffer = MessagePool.RentBody(blockLength + bodyLength);
        return m;
    }

    public ulong Id { get; private set; }
    /// <summary>Publish time, Unix ns (spec §2.4); kept across requeues, fan-out and disk.</summary>
    public long TimestampNs { get; private set; }
    public ReadOnlySpan<byte> Body => _buffer.AsSpan(_bodyOffset, _length);
    public int BodyLength => _length;

    /// <summary>
    /// The header entries without the block's 2-byte length (docs/message-headers.md); empty when the message has none.
    /// Walk them with <see cref="Nsq.Protocol.V2.MessageHeaders.Enumerate"/> or look one up with
    /// <see cref="Nsq.Protocol.V2.MessageHeaders.TryGetValue"/>.
    /// </summary>
    public ReadOnlySpan<byte> Headers => _bodyOffset == 0
        ? default
        : _buffer.AsSpan(Nsq.Protocol.V2.MessageHeaders.LengthPrefixSize, _bodyOffset - Nsq.Protocol.V2.MessageHeaders.LengthPrefixSize);

    /// <summary>True when the message has at least one header entry.</summary>
    public bool HasHeaders => _bodyOffset > Nsq.Protocol.V2.MessageHeaders.LengthPrefixSize;

    /// <summary>The whole block, <c>[u16 H][entries]</c>; empty (not <c>00 00</c>) when the message has no headers.</summary>
    public ReadOnlySpan<byte> HeaderBlock => HasHeaders ? _buffer.AsSpan(0, _bodyOffset) : default;
    public ushort Attempts { get; set; }

    /// <summary>
    /// Position of the disk record this message was read from (<see cref="Nsqd.DiskQueue.IBackendQueue.TryRead(out byte[], out long)"/>),
    /// 0 when it came from memory. Confirmed when the message is finished or durably moved elsewhere.
    /// </summary>
    public long DiskToken { get; set; }

    /// <summary>Deferred publish delay in ms, applied when the message reaches a channel (spec §1.7).</summary>
    public long DeferMs { get; set; }

    // In-flight state, guarded by the owning channel's lock.
    public Tcp.ClientSession? Owner { get; set; }
    public long DeliveryMs { get; set; }
    public long DeadlineMs { get; set; }
    /// <summary>Intrusive links in the owner's in-flight list (delivery order ≈ deadline order for one client).</summary>
    public Message? Prev { get; set; }
    public Message? Next { get; set; }

    public Message CopyForChannel()
    {
        var copy = Create(Id, TimestampNs, HeaderBlock, Body);
        copy.DeferMs = DeferMs;
        return copy;
    }

    /// <summary>Hands the object and its body back for reuse. Only for a message nothing references any more.</summary>
    public void Release()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        _bodyOffset = 0;
        Owner = null;
        Prev = Next = null;
        DeferMs = 0;
        DiskToken = 0;
        MessagePool.ReturnBody(buffer);
        MessagePool.ReturnMessage(this);
    }
}
