namespace Lookup.Core.Registry;

/// <summary>
/// nsqlookupd's RegistrationDB (spec §6.1) in process memory: a map from <see cref="Registration"/> to the producers
/// under it, keyed by peer id. Keys stay when their last producer goes (only <see cref="RemoveRegistrationAsync"/> drops
/// a key). One lock guards everything: the map is small and every operation is a short scan. Listings keep insertion order.
/// </summary>
public sealed class MemoryRegistrationStore : IRegistrationStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Registration, Dictionary<string, ProducerRecord>> _map = [];

    public event Action<string>? Changed;

    public Task<bool> AddRegistrationAsync(Registration registration)
    {
        bool added;
        lock (_lock) added = _map.TryAdd(registration, []);
        if (added) Raise(registration);
        return Task.FromResult(added);
    }

    public Task RemoveRegistrationAsync(Registration registration)
    {
        bool removed;
        lock (_lock) removed = _map.Remove(registration);
        if (removed) Raise(registration);
        return Task.CompletedTask;
    }

    /// <summary>As nsqlookupd: a producer already registered under the key (same peer id) is kept as it is, so a repeated
    /// REGISTER neither clears its tombstone nor counts as new.</summary>
    public Task<bool> AddProducerAsync(Registration registration, ProducerRecord producer)
    {
        ArgumentNullException.ThrowIfNull(producer);
        bool added;
        lock (_lock)
        {
            if (!_map.TryGetValue(registration, out var producers)) _map[registration] = producers = [];
            added = producers.TryAdd(producer.PeerId, producer);
        }
        if (added) Raise(registration);
        return Task.FromResult(added);
    }

    public Task<int> RemoveProducerAsync(Registration registration, string peerId)
    {
        bool removed;
        int left;
        lock (_lock)
        {
            if (!_map.TryGetValue(registration, out var producers)) return Task.FromResult(0);
            removed = producers.Remove(peerId);
            left = producers.Count;
        }
        if (removed) Raise(registration);
        return Task.FromResult(left);
    }

    public Task TouchAsync(string peerId, long lastUpdateNs)
    {
        lock (_lock)
        {
            foreach (var producers in _map.Values)
            {
                if (producers.TryGetValue(peerId, out var p)) producers[peerId] = p with { LastUpdateNs = lastUpdateNs };
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>nsqlookupd compares <c>fmt.Sprintf("%s:%d", broadcast_address, http_port)</c> with the node.</summary>
    public Task TombstoneAsync(string topic, string node, long nowNs)
    {
        var changed = false;
        lock (_lock)
        {
            if (_map.TryGetValue(Registration.Topic(topic), out var producers))
            {
                foreach (var (id, p) in producers.ToList())
                {
                    if (NodeOf(p.Info) != node) continue;
                    producers[id] = p with { Tombstoned = true, TombstonedAtNs = nowNs };
                    changed = true;
                }
            }
        }
        if (changed) Changed?.Invoke(topic);
        return Task.CompletedTask;
    }

    public Task RemovePeerAsync(string peerId)
    {
        List<Registration> removedFrom = [];
        lock (_lock)
        {
            foreach (var (registration, producers) in _map)
            {
                if (producers.Remove(peerId)) removedFrom.Add(registration);
            }
        }
        foreach (var topic in removedFrom.Select(r => r.Key).Distinct()) Changed?.Invoke(topic);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Registration>> FindRegistrationsAsync(string category, string key, string subKey)
    {
        List<Registration> results = [];
        lock (_lock)
        {
            if (key != "*" && subKey != "*")
            {
                var exact = new Registration(category, key, subKey);
                if (_map.ContainsKey(exact)) results.Add(exact);
            }
            else
            {
                foreach (var registration in _map.Keys)
                {
                    if (registration.Matches(category, key, subKey)) results.Add(registration);
                }
            }
        }
        return Task.FromResult<IReadOnlyList<Registration>>(results);
    }

    public Task<IReadOnlyList<ProducerRecord>> FindProducersAsync(string category, string key, string subKey)
    {
        List<ProducerRecord> results = [];
        HashSet<string> seen = new(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var (registration, producers) in _map)
            {
                if (!registration.Matches(category, key, subKey)) continue;
                foreach (var p in producers.Values)
                {
                    if (seen.Add(p.PeerId)) results.Add(p);
                }
            }
        }
        return Task.FromResult<IReadOnlyList<ProducerRecord>>(results);
    }

    public Task<IReadOnlyList<(Registration Registration, ProducerRecord Producer)>> LookupPeerAsync(string peerId)
    {
        List<(Registration, ProducerRecord)> results = [];
        lock (_lock)
        {
            foreach (var (registration, producers) in _map)
            {
                if (producers.TryGetValue(peerId, out var p)) results.Add((registration, p));
            }
        }
        return Task.FromResult<IReadOnlyList<(Registration, ProducerRecord)>>(results);
    }

    internal static string NodeOf(Nsq.Protocol.Lookup.PeerInfo info) => $"{info.BroadcastAddress}:{info.HttpPort}";

    private void Raise(Registration registration) => Changed?.Invoke(registration.Key);
}
