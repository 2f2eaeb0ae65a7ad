namespace Lookup.Core.Registry;

/// <summary>
/// nsqlookupd's RegistrationDB (spec §6.1) behind an interface: <see cref="MemoryRegistrationStore"/> is nsqlookupd's
/// in-process map; the Redis store shares registrations between lookup replicas. The TCP protocol writes through it,
/// the HTTP API and the gRPC topology stream read from it. Keys are never removed when their producer set becomes empty
/// (spec §6.1), except by the explicit calls that say so.
/// </summary>
public interface IRegistrationStore
{
    /// <summary>Adds an (empty) registration key if missing. True when it was added.</summary>
    Task<bool> AddRegistrationAsync(Registration registration);

    /// <summary>Removes a key and its producers (HTTP /topic/delete, /channel/delete, ephemeral clean-up).</summary>
    Task RemoveRegistrationAsync(Registration registration);

    /// <summary>Adds (or replaces) a producer under a key, creating the key. True when the producer was new there.</summary>
    Task<bool> AddProducerAsync(Registration registration, ProducerRecord producer);

    /// <summary>Removes one producer from a key. Returns how many producers are left under it.</summary>
    Task<int> RemoveProducerAsync(Registration registration, string peerId);

    /// <summary>Sets the producer's last-update time everywhere it is registered (IDENTIFY and every PING).</summary>
    Task TouchAsync(string peerId, long lastUpdateNs);

    /// <summary>Tombstones the producers of a topic whose <c>broadcast_address:http_port</c> is <paramref name="node"/>.</summary>
    Task TombstoneAsync(string topic, string node, long nowNs);

    /// <summary>Removes the peer from every registration (its TCP connection closed).</summary>
    Task RemovePeerAsync(string peerId);

    /// <summary>Keys matching category/key/subkey, <c>*</c> as wildcard for key and subkey.</summary>
    Task<IReadOnlyList<Registration>> FindRegistrationsAsync(string category, string key, string subKey);

    /// <summary>Producers of every matching key (deduplicated by peer id).</summary>
    Task<IReadOnlyList<ProducerRecord>> FindProducersAsync(string category, string key, string subKey);

    /// <summary>The registrations a peer holds (for /nodes' topics and tombstones).</summary>
    Task<IReadOnlyList<(Registration Registration, ProducerRecord Producer)>> LookupPeerAsync(string peerId);

    /// <summary>Raised after any change of topology, possibly made by another replica (the gRPC stream listens).
    /// The argument is the topic concerned, or empty when unknown.</summary>
    event Action<string>? Changed;
}
