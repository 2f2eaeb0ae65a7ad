namespace Nsq.Client;

/// <summary>A message at the head of a channel, as <see cref="NsqdAdminClient.PeekAsync"/> saw it (not taken off the queue).</summary>
public sealed class NsqPeekedMessage
{
    /// <summary>Creates a peeked message.</summary>
    public NsqPeekedMessage(string id, long timestampNanoseconds, int attempts, ReadOnlyMemory<byte> body)
    {
        Id = id;
        TimestampNanoseconds = timestampNanoseconds;
        Attempts = attempts;
        Body = body;
    }

    /// <summary>The message id as consumers see it (16 ASCII characters).</summary>
    public string Id { get; }

    /// <summary>The publish time in Unix nanoseconds, as nsqd keeps it.</summary>
    public long TimestampNanoseconds { get; }

    /// <summary>The publish time (to the 100 ns tick).</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.UnixEpoch.AddTicks(TimestampNanoseconds / 100);

    /// <summary>Deliveries so far (0 for a message never delivered).</summary>
    public int Attempts { get; }

    /// <summary>The body; a copy the caller owns.</summary>
    public ReadOnlyMemory<byte> Body { get; }
}
