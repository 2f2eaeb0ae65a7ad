namespace Nsqd.Core.Topics;

/// <summary>
/// A message as one channel holds it. The body array is immutable and shared by every channel's copy (fan-out copies
/// the 60-byte object, never the body); attempts and delivery state are per channel.
/// </summary>
internal sealed class Message
{
    public Message(ulong id, long timestampNs, byte[] body, ushort attempts = 0)
    {
        Id = id;
        TimestampNs = timestampNs;
        Body = body;
        Attempts = attempts;
    }

    public ulong Id { get; }
    /// <summary>Publish time, Unix ns (spec §2.4); kept across requeues, fan-out and disk.</summary>
    public long TimestampNs { get; }
    public byte[] Body { get; }
    public ushort Attempts { get; set; }

    /// <summary>Deferred publish delay in ms, applied when the message reaches a channel (spec §1.7).</summary>
    public long DeferMs { get; set; }

    // In-flight state, guarded by the owning channel's lock.
    public Tcp.ClientSession? Owner { get; set; }
    public long DeliveryMs { get; set; }
    public long DeadlineMs { get; set; }
    /// <summary>Intrusive links in the owner's in-flight list (delivery order ≈ deadline order for one client).</summary>
    public Message? Prev { get; set; }
    public Message? Next { get; set; }

    public Message CopyForChannel() => new(Id, TimestampNs, Body) { DeferMs = DeferMs };
}
