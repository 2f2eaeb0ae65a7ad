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
    private byte[] _buffer = [];
    private int _length;

    private Message()
    {
    }

    /// <summary>A message whose body is copied from <paramref name="body"/> into a pooled buffer.</summary>
    public static Message Create(ulong id, long timestampNs, ReadOnlySpan<byte> body, ushort attempts = 0)
    {
        var m = MessagePool.RentMessage() ?? new Message();
        m.Id = id;
        m.TimestampNs = timestampNs;
        m.Attempts = attempts;
        m.DiskToken = 0;
        m._buffer = MessagePool.RentBody(body.Length);
        m._length = body.Length;
        body.CopyTo(m._buffer);
        return m;
    }

    /// <summary>As <see cref="Create(ulong, long, ReadOnlySpan{byte}, ushort)"/>, from a body that may span pipe segments.</summary>
    public static Message Create(ulong id, long timestampNs, in ReadOnlySequence<byte> body)
    {
        var m = MessagePool.RentMessage() ?? new Message();
        m.Id = id;
        m.TimestampNs = timestampNs;
        m.Attempts = 0;
        m.DiskToken = 0;
        m._length = (int)body.Length;
        m._buffer = MessagePool.RentBody(m._length);
        body.CopyTo(m._buffer);
        return m;
    }

    public ulong Id { get; private set; }
    /// <summary>Publish time, Unix ns (spec §2.4); kept across requeues, fan-out and disk.</summary>
    public long TimestampNs { get; private set; }
    public ReadOnlySpan<byte> Body => _buffer.AsSpan(0, _length);
    public int BodyLength => _length;
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
        var copy = Create(Id, TimestampNs, Body);
        copy.DeferMs = DeferMs;
        return copy;
    }

    /// <summary>Hands the object and its body back for reuse. Only for a message nothing references any more.</summary>
    public void Release()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        Owner = null;
        Prev = Next = null;
        DeferMs = 0;
        DiskToken = 0;
        MessagePool.ReturnBody(buffer);
        MessagePool.ReturnMessage(this);
    }
}
