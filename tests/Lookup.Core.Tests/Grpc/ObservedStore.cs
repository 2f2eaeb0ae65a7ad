using Lookup.Core.Registry;

namespace Lookup.Core.Tests.Grpc;

/// <summary>
/// Lookup.Core's <see cref="MemoryRegistrationStore"/> behind a thin decorator that counts the Changed events it passes
/// on and can raise one without a data change (as an event from another replica, or one with an unknown topic, would).
/// </summary>
internal sealed class ObservedStore : IRegistrationStore
{
    private readonly MemoryRegistrationStore _inner = new();
    private int _changeCount;

    public ObservedStore() => _inner.Changed += Raise;

    public event Action<string>? Changed;

    /// <summary>Number of Changed events raised so far.</summary>
    public int ChangeCount => Volatile.Read(ref _changeCount);

    public void RaiseChanged(string topic) => Raise(topic);

    public Task<bool> AddRegistrationAsync(Registration registration) => _inner.AddRegistrationAsync(registration);
    public Task RemoveRegistrationAsync(Registration registration) => _inner.RemoveRegistrationAsync(registration);
    public Task<bool> AddProducerAsync(Registration registration, ProducerRecord producer) => _inner.AddProducerAsync(registration, producer);
    public Task<int> RemoveProducerAsync(Registration registration, string peerId) => _inner.RemoveProducerAsync(registration, peerId);
    public Task TouchAsync(string peerId, long lastUpdateNs) => _inner.TouchAsync(peerId, lastUpdateNs);
    public Task TombstoneAsync(string topic, string node, long nowNs) => _inner.TombstoneAsync(topic, node, nowNs);
    public Task RemovePeerAsync(string peerId) => _inner.RemovePeerAsync(peerId);

    public Task<IReadOnlyList<Registration>> FindRegistrationsAsync(string category, string key, string subKey)
        => _inner.FindRegistrationsAsync(category, key, subKey);

    public Task<IReadOnlyList<ProducerRecord>> FindProducersAsync(string category, string key, string subKey)
        => _inner.FindProducersAsync(category, key, subKey);

    public Task<IReadOnlyList<(Registration Registration, ProducerRecord Producer)>> LookupPeerAsync(string peerId)
        => _inner.LookupPeerAsync(peerId);

    private void Raise(string topic)
    {
        Interlocked.Increment(ref _changeCount);
        Changed?.Invoke(topic);
    }
}
