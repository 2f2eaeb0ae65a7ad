using Nsq.Protocol.Lookup;

namespace Lookup.Core.Registry;

/// <summary>
/// Spec §6.1: one nsqd as a registration holds it. <see cref="PeerId"/> is the nsqd connection's remote address
/// (a reconnect is a new producer). Times are Unix nanoseconds so every replica compares them alike.
/// </summary>
public sealed record ProducerRecord
{
    public required string PeerId { get; init; }
    public required PeerInfo Info { get; init; }
    public long LastUpdateNs { get; init; }
    public bool Tombstoned { get; init; }
    public long TombstonedAtNs { get; init; }
}
